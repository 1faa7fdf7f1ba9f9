import Foundation
import TaizhangCore

/// The `manifest.json` of an official submission package (报送包): who sends it, for which period and
/// campaign, which forms it answers, and every other file in the package with its size and SHA-256.
///
/// The manifest is written with sorted keys and no insignificant choices left to the encoder, and
/// `manifest.sig` is a detached Ed25519 signature over its exact bytes: a verifier never re-encodes it.
public struct ParcelManifest: Codable, Sendable, Equatable {
    /// The format name every manifest carries.
    public static let formatName = "taizhang-package"
    /// The name of the manifest entry.
    public static let manifestName = "manifest.json"
    /// The name of the signature entry.
    public static let signatureName = "manifest.sig"

    /// Who sends a package.
    public enum Kind: String, Codable, Sendable {
        /// A reporting unit sends its ledgers to the province.
        case unit
        /// The province sends its consolidated report and the units' packages upward.
        case province
    }

    /// The sender.
    public struct Sender: Codable, Sendable, Equatable {
        /// The unit's id (`shenyang`), or `province` for the province's own package.
        public var id: String
        /// The full official name (沈阳市工业和信息化局).
        public var name: String
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// A form the package answers.
    public struct FormEntry: Codable, Sendable, Equatable {
        /// The form's id (`progress`).
        public var id: String
        /// The form version of the ledger.
        public var version: String
        /// The file holding the original ledger.
        public var file: String
        public init(id: String, version: String, file: String) {
            self.id = id
            self.version = version
            self.file = file
        }
    }

    /// A file in the package.
    public struct FileEntry: Codable, Sendable, Equatable {
        /// The entry name in the zip (forward slashes, relative).
        public var name: String
        /// The size in bytes.
        public var size: Int
        /// The SHA-256 of the bytes, lower-case hex.
        public var sha256: String
        /// What the file is: `ledger` (a unit's original ledger), `csv` (its normalised CSV copy),
        /// `cover-letter` (报送函), `report` (the province's consolidated workbook), `memo` (the province's
        /// report), `unit-package` (a unit's package, inside the province's), `units` (the province's units file,
        /// with its divisions, inside the province's).
        public var role: String
        /// The form a ledger or CSV copy belongs to.
        public var form: String?
        /// The unit a unit package comes from.
        public var unit: String?
        public init(name: String, size: Int, sha256: String, role: String, form: String? = nil, unit: String? = nil) {
            self.name = name
            self.size = size
            self.sha256 = sha256
            self.role = role
            self.form = form
            self.unit = unit
        }
    }

    /// Always ``formatName``.
    public var format: String = ParcelManifest.formatName
    /// The manifest's format version.
    public var formatVersion: Int = 1
    /// Who sends it.
    public var kind: Kind
    /// The sender.
    public var unit: Sender
    /// The reporting period (`2024-06`).
    public var period: String
    /// The campaign's id.
    public var campaign: String
    /// The forms the package answers.
    public var forms: [FormEntry]
    /// Every file except the manifest and its signature, in entry order.
    public var files: [FileEntry]
    /// What the sender says is not in the package: for a unit, the forms owed for the period that it packaged
    /// without (`--allow-incomplete`); for the province, the units owing the period whose packages it has not
    /// received.
    public var missing: [String]?
    /// The sender's count of packages for this period (1, 2, …), kept by its workspace: with ``createdAt``, the
    /// order in which packages of the same sender and period supersede each other. `nil` in packages written
    /// before it was introduced.
    public var sequence: Int?
    /// The tool that wrote it (`taizhang 0.1.0`).
    public var tool: String
    /// When it was made (ISO 8601 with offset): `package --date` at midnight in Beijing, or the moment it was
    /// made. The zip entries all carry one fixed time, so this is the only creation time in a package.
    public var createdAt: String

    public init(kind: Kind, unit: Sender, period: String, campaign: String, forms: [FormEntry], files: [FileEntry],
                missing: [String]? = nil, sequence: Int? = nil, tool: String, createdAt: String) {
        self.kind = kind
        self.unit = unit
        self.period = period
        self.campaign = campaign
        self.forms = forms
        self.files = files
        self.missing = missing
        self.sequence = sequence
        self.tool = tool
        self.createdAt = createdAt
    }

    /// The manifest's bytes as written into a package: pretty-printed UTF-8 JSON with sorted keys, ending with
    /// a newline.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Whether this package comes after `other` (same sender and period): the higher sequence number, or with
    /// equal or absent numbers the later creation time. `nil` when neither tells (equal, or unreadable times).
    public func isNewer(than other: ParcelManifest) -> Bool? {
        if let mine = sequence, let theirs = other.sequence, mine != theirs { return mine > theirs }
        let formatter = ISO8601DateFormatter()
        guard let mine = formatter.date(from: createdAt), let theirs = formatter.date(from: other.createdAt),
              mine != theirs else { return nil }
        return mine > theirs
    }

    /// Decodes a manifest.
    public static func decode(_ bytes: [UInt8]) throws -> ParcelManifest {
        try JSONDecoder().decode(ParcelManifest.self, from: Data(bytes))
    }
}
