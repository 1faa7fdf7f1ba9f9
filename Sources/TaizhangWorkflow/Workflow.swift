import Foundation
import TaizhangCSV
import TaizhangCore
import TaizhangDOCX
import TaizhangForms
import TaizhangMemo
import TaizhangODS
import TaizhangStore
import TaizhangXLS
import TaizhangXLSX

/// The application: every use case Taizhang offers, over one form set and one set of plugins.
///
/// Front ends (the command, the web workbench) parse what a person asked for, call one use case here and
/// present its typed result. Use cases live in extensions, one file each (`Workflow+Ingest.swift`, …); the
/// store, the plugins and the submission packages are reached only through this layer.
public struct Workflow: Sendable {
    /// The forms, lists, units and calendar.
    public let formSet: FormSet
    /// The format plugins.
    public let registry: PluginRegistry
    /// The wording of the memos (报告, 通知, 报送函).
    public let memos: Memos
    /// What "today" is (Beijing time); tests and back-filling fix it.
    public var clock: CampaignClock
    /// Files larger than this (in bytes) are checked and recorded row by row as they are read, in bounded memory;
    /// smaller ones are read on both cores at once and held until recorded (faster for many small returns).
    public var streamedIngestBytes = 256 << 10

    /// A workflow over `formSet` with the standard plugins and the built-in memo templates.
    public init(formSet: FormSet, registry: PluginRegistry = .standard, memoTemplates: [FormFile]? = nil,
                clock: CampaignClock = CampaignClock()) throws {
        self.formSet = formSet
        self.registry = registry
        do {
            self.memos = Memos(templates: try MemoTemplateSet(files: memoTemplates ?? BuiltinForms.memoTemplates))
        } catch {
            throw WorkflowError(.formsInvalid, detail: "\(error)")
        }
        self.clock = clock
    }

    /// A workspace as the application uses it (the store's type, named here so front ends need not import
    /// the store).
    public typealias OpenWorkspace = Workspace

    /// What a use case needs of the workspace.
    public typealias WorkspaceAccess = Workspace.Access

    /// Opens the workspace at `path`: for `.write` (ingest) creating it when missing and refusing a damaged
    /// one; for `.update` (package, users) writing one that must already exist; for `.read` (every other use)
    /// refusing a missing one and writing nothing. `waiting` is called once when another process holds the
    /// workspace and this one waits for it.
    public func openWorkspace(at path: String, for access: WorkspaceAccess = .write,
                              waiting: (@Sendable () -> Void)? = nil) throws -> Workspace {
        if access == .write {
            // The command that may create a workspace may create its folder too.
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
                // Made step by step with mkdir(2), so that the reason it fails is the system's own.
                var made = folder.hasPrefix("/") ? "" : "."
                for part in folder.split(separator: "/") {
                    made += "/" + part
                    if mkdir(made, 0o755) != 0 && errno != EEXIST {
                        throw WorkflowError(.workspaceFolder, subject: folder, detail: UserMessage.posix(errno, file: made))
                    }
                }
            }
        }
        do {
            return try Workspace(path: path, access: access, waiting: waiting)
        } catch let error as WorkspaceError {
            throw WorkflowError(error)
        } catch {
            throw WorkflowError(.workspaceUnavailable, subject: path,
                                detail: StoreErrorText.reason(error) ?? UserMessage.text(for: error))
        }
    }

    /// The built-in form set, or the built-in set overlaid with the JSON files of `directory`.
    public static func loadForms(overlay directory: String? = nil) throws -> FormSet {
        guard let directory else { return try BuiltinForms.load() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkflowError(.formsFolderMissing, subject: directory)
        }
        return try BuiltinForms.load(overlay: URL(fileURLWithPath: directory))
    }
}

extension PluginRegistry {
    /// The plugins Taizhang ships. A new format is a folder under Plugins/ and one line here.
    public static var standard: PluginRegistry {
        PluginRegistry(
            exporters: [XLSXExporter(), CSVExporter(), JSONLedgerExporter()],
            importers: [XLSImporter(), ODSImporter(), XLSXImporter(), CSVImporter()],
            documentExporters: [MemoExporter(), DOCXExporter()])
    }
}

/// The campaign's sense of time: today in Beijing, and the deadlines of a period.
public struct CampaignClock: Sendable {
    /// The time zone every date of the campaign is in (the one the workspace records receipts in).
    public static var timeZone: TimeZone { Workspace.timeZone }
    /// A fixed "now", or `nil` for the real time.
    public var fixedNow: Date?

    public init(now: Date? = nil) { self.fixedNow = now }

    /// This moment.
    public var now: Date { fixedNow ?? Date() }

    /// Today in Beijing.
    public var today: CivilDate { CampaignClock.day(of: now) }

    /// The civil day of `date` in Beijing.
    public static func day(of date: Date) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Noon in Beijing of `day` (what a back-filled receipt date means).
    public static func noon(of day: CivilDate) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 4 * 3600)
    }

    /// This moment as ISO 8601 in Beijing time (a package's creation time).
    public var timestamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = CampaignClock.timeZone
        return formatter.string(from: now)
    }
}

extension Campaign {
    /// The last deadline of any obligation for `period` (what a period's report is "as of" by default).
    public func deadline(of period: YearMonth) -> CivilDate? {
        obligations.flatMap(\.deadlines).filter { $0.period == period }.map(\.due).max()
    }

    /// The period a day falls in for reporting: the latest campaign period not after the day's month.
    public func period(containing day: CivilDate) -> YearMonth? {
        periods.last { $0 <= day.yearMonth } ?? periods.first
    }
}

extension FormSet {
    /// The form a person named: by id, short title or title.
    public func resolveForm(_ name: String) throws -> Form {
        let key = TextFolding.matchKey(name)
        if let form = forms.first(where: {
            $0.id == name || TextFolding.matchKey($0.shortTitle) == key || TextFolding.matchKey($0.title) == key
        }) { return form }
        throw WorkflowError(.unknownForm, subject: name,
                            detail: "可用：" + forms.map { "\($0.id)（\($0.shortTitle)）" }.joined(separator: "、"))
    }

    /// The unit a person named: by id, full name, short name, alias or code. One lookup for every front end.
    public func resolveUnit(_ name: String) throws -> ReportingUnit {
        if let unit = unit(id: name) ?? unit(named: name) { return unit }
        throw WorkflowError(.unknownUnit, subject: name,
                            detail: "可用：" + units.map(\.shortName).joined(separator: "、"))
    }
}
