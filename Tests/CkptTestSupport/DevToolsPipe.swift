import Foundation

/// The DevTools protocol over a child's fds 3 (commands in) and 4 (replies and events out), as
/// `--remote-debugging-pipe` sets it up: one JSON object per message, each ending in a NUL byte. A reader thread
/// files replies by id and keeps every event; `send` waits for its reply.
final class DevToolsPipe {
    private let input: Int32
    private let output: Int32
    private let condition = NSCondition()
    private var replies: [Int: [String: Any]] = [:]
    private var received: [[String: Any]] = []
    private var nextID = 1
    private var ended = false
    private(set) var isOpen = true

    private init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
        let reader = Thread { [weak self] in self?.readLoop() }
        reader.start()
    }

    /// Starts `arguments` (the executable first) with the pipe on fds 3 and 4, its stdout and stderr discarded.
    static func spawn(_ arguments: [String]) throws -> (pid_t, DevToolsPipe) {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw BrowserError("pipe: \(String(cString: strerror(errno)))") }
        // Out of the way of 3 and 4 before they are duplicated there, and closed on exec in the child.
        func high(_ fd: Int32) -> Int32 { let h = fcntl(fd, F_DUPFD_CLOEXEC, 10); Foundation.close(fd); return h }
        let childIn = high(toChild[0]), parentOut = high(toChild[1]), parentIn = high(fromChild[0]), childOut = high(fromChild[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, childIn, 3)
        posix_spawn_file_actions_adddup2(&actions, childOut, 4)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let status = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        Foundation.close(childIn)
        Foundation.close(childOut)
        guard status == 0 else {
            Foundation.close(parentOut); Foundation.close(parentIn)
            throw BrowserError("cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        return (pid, DevToolsPipe(input: parentIn, output: parentOut))
    }

    /// Sends a command and returns its result; a protocol error or no reply within `timeout` seconds throws.
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: TimeInterval = 60) throws -> [String: Any] {
        condition.lock()
        let id = nextID
        nextID += 1
        condition.unlock()
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(output, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw BrowserError("\(method): the browser's pipe is closed") }
                done += n
            }
        }
        let reply = try wait(timeout: timeout, for: "the reply to \(method)") { $0.replies.removeValue(forKey: id) }
        if let error = reply["error"] as? [String: Any] { throw BrowserError("\(method): \(error["message"] ?? error)") }
        return reply["result"] as? [String: Any] ?? [:]
    }

    /// The first event `method` of `session` after the first `after` events of that session.
    func waitForEvent(_ method: String, session: String, after: Int, timeout: TimeInterval = 60) throws -> [String: Any] {
        try wait(timeout: timeout, for: method) { pipe in
            pipe.received.filter { $0["sessionId"] as? String == session }.dropFirst(after).first { $0["method"] as? String == method }
        }
    }

    /// Every event of `session` so far, in order.
    func events(session: String) -> [[String: Any]] {
        condition.lock()
        defer { condition.unlock() }
        return received.filter { $0["sessionId"] as? String == session }
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        Foundation.close(output)
        Foundation.close(input)
    }

    private func wait<T>(timeout: TimeInterval, for what: String, _ found: (DevToolsPipe) -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = found(self) { return value }
            if ended { throw BrowserError("the browser closed its pipe before \(what)") }
            if !condition.wait(until: deadline) { throw BrowserError("no \(what) within \(Int(timeout)) s") }
        }
    }

    private func readLoop() {
        var pending = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending += buffer[0 ..< n]
            while let end = pending.firstIndex(of: 0) {
                let message = (try? JSONSerialization.jsonObject(with: Data(pending[..<end]))) as? [String: Any]
                pending.removeSubrange(...end)
                guard let message else { continue }
                condition.lock()
                if let id = message["id"] as? Int { replies[id] = message } else { received.append(message) }
                condition.broadcast()
                condition.unlock()
            }
        }
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }
}
