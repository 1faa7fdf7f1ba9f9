import Foundation

/// Writes to standard error (messages for people; standard output is for results).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether standard error is a terminal (progress bars are drawn only there).
var stderrIsTerminal: Bool { isatty(2) == 1 }
