import API
import ArgumentParser
import NIOCore
import NIOPosix

// Tasks then run on the event loops themselves instead of a second thread pool, saving two
// thread switches per request. It must happen before any task starts, hence a main.swift.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
bootstrapLogging()
await ASAR.runAsync()

extension ASAR {
    /// What `AsyncParsableCommand.main()` does. It is called from an async function because
    /// top-level code would pick the synchronous `run()`, which only prints the help.
    static func runAsync() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
