import Foundation

/// A real browser for page tests: Debian's `chromium`, headless, driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: JSON messages ending in a NUL byte, commands on the child's fd 3, replies and
/// events on its fd 4), so no port is opened. Each `Page` records its console errors and warnings, uncaught
/// exceptions, log errors (a refused request, a Content-Security-Policy violation) and every request it makes.
public final class HeadlessBrowser {
    /// The browser executable: `CHROMIUM` if set, else `chromium` on the PATH; nil when there is none.
    public static var executable: String? {
        if let path = ProcessInfo.processInfo.environment["CHROMIUM"] { return path }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    let pid: pid_t
    let pipe: DevToolsPipe
    let profile: URL

    /// Starts the browser with a fresh profile in a temporary folder.
    public init() throws {
        guard let chromium = Self.executable else {
            throw BrowserError("no chromium on the PATH: `make deps` installs Debian's chromium package")
        }
        profile = try Temporary.folder()
        let arguments = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                         "--user-data-dir=\(profile.path)", "--no-first-run", "--no-default-browser-check",
                         "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "about:blank"]
        (pid, pipe) = try DevToolsPipe.spawn(arguments)
    }

    deinit { close() }

    /// Closes the browser (and kills it if it does not exit within ten seconds).
    public func close() {
        guard pipe.isOpen else { return }
        _ = try? pipe.send("Browser.close", timeout: 10)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL); waitpid(pid, &status, 0); break }
            usleep(20_000)
        }
        pipe.close()
        Temporary.remove(profile)
    }

    /// A new tab of `width`×`height` CSS pixels in the given colour scheme.
    public func newPage(width: Int = 1280, height: Int = 900, dark: Bool = false) throws -> Page {
        let target = try pipe.send("Target.createTarget", ["url": "about:blank"])
        guard let id = target["targetId"] as? String else { throw BrowserError("no target id in \(target)") }
        let attached = try pipe.send("Target.attachToTarget", ["targetId": id, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw BrowserError("no session id in \(attached)") }
        let page = Page(pipe: pipe, session: session)
        for domain in ["Page", "Runtime", "Log", "Network"] { _ = try page.send("\(domain).enable") }
        _ = try page.send("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
        _ = try page.send("Emulation.setEmulatedMedia", ["features": [["name": "prefers-color-scheme", "value": dark ? "dark" : "light"]]])
        return page
    }

    /// One tab, attached as a flat session.
    public final class Page {
        let pipe: DevToolsPipe
        let session: String

        init(pipe: DevToolsPipe, session: String) { self.pipe = pipe; self.session = session }

        func send(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
            try pipe.send(method, params, session: session)
        }

        /// Opens `url` and returns once its load event has fired.
        public func open(_ url: URL) throws {
            let before = pipe.events(session: session).count
            _ = try send("Page.navigate", ["url": url.absoluteString])
            _ = try pipe.waitForEvent("Page.loadEventFired", session: session, after: before)
        }

        /// The value of `expression` (awaited when it is a promise), as JSON values.
        public func evaluate(_ expression: String) throws -> Any? {
            let r = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
            if let e = r["exceptionDetails"] as? [String: Any] {
                let thrown = (e["exception"] as? [String: Any])?["description"] as? String
                throw BrowserError("evaluating \(expression.prefix(80)): \(thrown ?? e["text"] as? String ?? "\(e)")")
            }
            return (r["result"] as? [String: Any])?["value"]
        }

        /// A PNG of the viewport, or of `height` pixels of the page from the top.
        public func screenshot(height: Int? = nil, width: Int? = nil) throws -> Data {
            var params: [String: Any] = ["format": "png"]
            if let height, let width {
                params["clip"] = ["x": 0, "y": 0, "width": width, "height": height, "scale": 1]
                params["captureBeyondViewport"] = true
            }
            let r = try send("Page.captureScreenshot", params)
            guard let text = r["data"] as? String, let data = Data(base64Encoded: text) else { throw BrowserError("no screenshot data") }
            return data
        }

        /// Console errors and warnings, uncaught exceptions and log errors, as text.
        public var problems: [String] {
            pipe.events(session: session).compactMap { event -> String? in
                let params = event["params"] as? [String: Any] ?? [:]
                switch event["method"] as? String {
                case "Runtime.consoleAPICalled":
                    guard let type = params["type"] as? String, ["error", "warning", "assert"].contains(type) else { return nil }
                    let args = (params["args"] as? [[String: Any]] ?? []).map { "\($0["value"] ?? $0["description"] ?? "")" }
                    return "console.\(type): " + args.joined(separator: " ")
                case "Runtime.exceptionThrown":
                    let details = params["exceptionDetails"] as? [String: Any] ?? [:]
                    let description = (details["exception"] as? [String: Any])?["description"] as? String
                    return "exception: " + (description ?? details["text"] as? String ?? "")
                case "Log.entryAdded":
                    let entry = params["entry"] as? [String: Any] ?? [:]
                    guard let level = entry["level"] as? String, level == "error" || level == "warning" else { return nil }
                    return "log \(level): \(entry["text"] ?? "") \(entry["url"] ?? "")"
                default:
                    return nil
                }
            }
        }

        /// The URL of every request the page made, the page itself included.
        public var requests: [String] {
            pipe.events(session: session).compactMap { event in
                guard event["method"] as? String == "Network.requestWillBeSent" else { return nil }
                return ((event["params"] as? [String: Any])?["request"] as? [String: Any])?["url"] as? String
            }
        }
    }
}

/// A browser that did not do what a test asked.
public struct BrowserError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
