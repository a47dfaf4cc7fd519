import Domain
import Foundation
import Postgres

/// Finds the project's `SQL/` folder: `ASAR_SQL_DIR`, else beside the executable or the sources.
public enum SQLFiles {
    public static func migrationsDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let configured = environment["ASAR_SQL_DIR"] {
            return URL(fileURLWithPath: configured).appendingPathComponent("migrations")
        }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        candidates += ancestors(of: executable.deletingLastPathComponent())
        candidates += ancestors(of: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        // Sources/Storage/SQLFiles.swift sits two levels below the checkout.
        candidates += ancestors(of: URL(fileURLWithPath: #filePath).deletingLastPathComponent())
        for candidate in candidates {
            let directory = candidate.appendingPathComponent("SQL/migrations")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return directory
            }
        }
        throw MigrationError.directoryNotFound("SQL/migrations not found; set ASAR_SQL_DIR")
    }

    public static func migrations() throws -> [Migration] {
        try Migration.load(from: migrationsDirectory())
    }

    private static func ancestors(of url: URL) -> [URL] {
        var result: [URL] = []
        var current = url.standardizedFileURL
        for _ in 0..<6 {
            result.append(current)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        return result
    }
}
