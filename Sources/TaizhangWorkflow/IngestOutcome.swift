import Foundation
import TaizhangCore
import TaizhangStore

/// What became of one file taken in by ``Workflow/ingest(_:workspace:progress:)``.
public enum IngestVerdict: Sendable, Equatable {
    /// Accepted (已接收); a correction names the submission it supersedes.
    case accepted(supersedes: Int64?)
    /// Returned for correction (已退回): read, but with errors; kept with its findings.
    case returned
    /// Refused (已拒收): unreadable, hostile, or a package that failed verification; kept whole.
    case refused
    /// The same bytes were received before (已收到过); nothing changed.
    case alreadyReceived(SubmissionState)
    /// An earlier submission checked again because the ledgers it refers to changed (重新核对), with its
    /// state before and now.
    case rechecked(previous: SubmissionState, now: SubmissionState)

    /// The stable word used in JSON (`accepted`, `rejected`, `refused`, `known`).
    public var code: String {
        switch self {
        case .accepted: return "accepted"
        case .returned: return "rejected"
        case .refused: return "refused"
        case .alreadyReceived: return "known"
        case .rechecked: return "rechecked"
        }
    }

    /// Whether the file stands as an error the sender must fix: returned or refused, now or when it was
    /// received before, or returned on a recheck.
    public var needsAction: Bool {
        switch self {
        case .returned, .refused: return true
        case .accepted: return false
        case .alreadyReceived(let state), .rechecked(_, let state): return state != .accepted
        }
    }
}

/// One file's outcome: the verdict, the submission it is recorded as, what it was read as, and the one line
/// (in Chinese) a person reads about it.
public struct IngestOutcome: Sendable {
    /// The file's name as received.
    public var file: String
    /// The verdict.
    public var verdict: IngestVerdict
    /// The submission id in the workspace.
    public var submission: Int64
    /// The unit, form and period read from the file (or the package's manifest).
    public var unit: String?
    public var form: String?
    public var period: String?
    /// Rows read.
    public var rows: Int?
    /// Errors and warnings found.
    public var errors: Int
    public var warnings: Int
    /// The first findings (or a package's first problems), as text.
    public var firstFindings: [String]
    /// Whether the file came inside a submission package (its line is drawn under the package's).
    public var insideParcel = false
    /// What a person reads about the file.
    public var line: String
    /// The path the file was taken from, for a file given to ingest (`nil` for a ledger inside a package, whose
    /// unpacked copy is gone when ingest returns).
    public var source: String? = nil

    /// The line as printed: indented under its package when it came in one.
    public var displayLine: String { insideParcel ? "  └ " + line : line }

    /// The id of the submission a correction supersedes.
    public var supersedes: Int64? {
        if case .accepted(let id) = verdict { return id }
        return nil
    }
}

extension IngestOutcome: Encodable {
    private enum Keys: String, CodingKey {
        case file, state, submission, unit, form, period, rows, supersedes, errors, warnings, firstFindings, line
        case previousState, currentState
    }

    /// The JSON shape of `ingest --json` (unchanged since the first release; a recheck adds `previousState`
    /// and `currentState`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(file, forKey: .file)
        try c.encode(verdict.code, forKey: .state)
        if case .rechecked(let previous, let now) = verdict {
            try c.encode(previous.rawValue, forKey: .previousState)
            try c.encode(now.rawValue, forKey: .currentState)
        }
        try c.encode(submission, forKey: .submission)
        try c.encodeIfPresent(unit, forKey: .unit)
        try c.encodeIfPresent(form, forKey: .form)
        try c.encodeIfPresent(period, forKey: .period)
        try c.encodeIfPresent(rows, forKey: .rows)
        try c.encodeIfPresent(supersedes, forKey: .supersedes)
        try c.encode(errors, forKey: .errors)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(firstFindings, forKey: .firstFindings)
        try c.encode(displayLine, forKey: .line)
    }
}

extension [IngestOutcome] {
    /// 共 N 个文件：已接收 …，已退回 …，已拒收 …，已收到过 …。
    public var summaryLine: String {
        func count(_ code: String) -> Int { filter { $0.verdict.code == code }.count }
        let rechecked = count("rechecked")
        return "共 \(self.count - rechecked) 个文件：已接收 \(count("accepted"))，已退回 \(count("rejected"))，已拒收 \(count("refused"))，已收到过 \(count("known"))。"
            + (rechecked > 0 ? "另有 \(rechecked) 份此前的报送因所引用的台账变化而重新核对，结论已更新。" : "")
    }
}
