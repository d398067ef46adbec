import ArgumentParser
import Foundation

/// Entry point: parses arguments and runs the command, with ckpt's exit statuses
/// (bad arguments are status 2 with one line on stderr, not ArgumentParser's 64).
public enum CkptMain {
    public static func main(_ arguments: [String]? = nil) -> Never {
        setvbuf(stdout, nil, _IOFBF, 1 << 16)
        do {
            var command = try CkptCommand.parseAsRoot(arguments)
            try command.run()
            fflush(stdout)
            exit(0)
        } catch let code as ExitCode {
            fflush(stdout)
            exit(code.rawValue)
        } catch {
            fflush(stdout)
            let code = CkptCommand.exitCode(for: error)
            if code == .success {
                print(CkptCommand.fullMessage(for: error))
                exit(0)
            }
            CLI.printError(CkptCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments")
            exit(2)
        }
    }
}
