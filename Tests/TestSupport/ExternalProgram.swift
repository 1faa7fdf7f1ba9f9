import Foundation

/// What a program run in a test printed and how it ended.
public struct ProgramRun: Sendable {
    /// The exit status (or the signal number when `signalled`).
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// Whether the program was killed by a signal.
    public var signalled: Bool
}

/// Runs the real programs the tests use — the built `taizhang`, python3 with openpyxl, LibreOffice, gnumeric —
/// in one way for every test target: output is read before waiting, so a full pipe cannot block the child.
public enum ExternalProgram {
    /// Runs `executable` with `arguments`; `environment` is added to the test's own.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           environment: [String: String] = [:], directory: URL? = nil) throws -> ProgramRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProgramRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self),
                          signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Runs a program found on the PATH (`python3`, `soffice`, `ssconvert`).
    @discardableResult
    public static func tool(_ name: String, _ arguments: [String], input: Data? = nil,
                            environment: [String: String] = [:]) throws -> ProgramRun {
        try run("/usr/bin/env", [name] + arguments, input: input, environment: environment)
    }

    /// Runs a python3 script given as text, with arguments.
    @discardableResult
    public static func python(_ script: String, _ arguments: [String] = [], input: Data? = nil) throws -> ProgramRun {
        try tool("python3", ["-c", script] + arguments, input: input)
    }

    /// The `taizhang` binary built beside the test bundle (`.build/<triple>/debug/taizhang`).
    public static var taizhang: URL {
        Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("taizhang")
    }
}
