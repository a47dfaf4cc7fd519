// The test runner's entry point. Its presence makes SwiftPM skip XCTest discovery, the one build
// step that needs the index store: so `./deploy/test` builds with --disable-index-store, about a
// quarter of a clean build's time (README, Dependencies). Every test here uses Swift Testing; run
// them with `swift test --disable-xctest --enable-swift-testing` (what deploy/test passes).
import Testing
#if canImport(Glibc)
import Glibc
#endif

@main
struct TestMain {
    static func main() async {
        // SwiftPM names the library to run; without --enable-swift-testing it asks for XCTest,
        // which would find nothing here: say so and fail rather than pass with no tests.
        var library = "xctest"
        var arguments = CommandLine.arguments.makeIterator()
        while let argument = arguments.next() {
            if argument == "--testing-library", let name = arguments.next() { library = name.lowercased() }
        }
        guard library == "swift-testing" else {
            print("error: these tests use Swift Testing only: run swift test --disable-xctest --enable-swift-testing")
            exit(1)
        }
        // What SwiftPM's own generated runner calls for Swift Testing.
        await Testing.__swiftPMEntryPoint() as Never
    }
}
