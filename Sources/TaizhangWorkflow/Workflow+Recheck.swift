import Foundation
import TaizhangCore
import TaizhangStore
import TaizhangZip

extension Workflow {
    /// Reaches again every verdict whose referenced ledgers changed since it was reached, so that a verdict
    /// depends on what the workspace holds, not on the order files arrived in: a 整改工作台账 taken in before its
    /// unit's 自查台账 is checked against it once it comes, and again whenever it is corrected. Earlier verdicts
    /// are kept as history; the submissions are not copied. Returns an outcome for each verdict that changed.
    ///
    /// Safe with several processes at once: a verdict is recorded only against the references it was reached
    /// with, and whichever process records last rechecks what the others left.
    public func recheck(workspace: Workspace) throws -> [IngestOutcome] {
        guard workspace.access != .read else { return [] }
        var outcomes: [IngestOutcome] = []
        let opener = FileOpener(registry: registry)
        let checker = LedgerChecker(formSet: formSet)
        for _ in 0..<4 {
            let stale = try workspace.staleVerdicts(formSet: formSet)
            if stale.isEmpty { break }
            let scratch = try ScratchDirectory(purpose: "recheck")
            defer { scratch.remove() }
            for item in stale {
                let record = item.submission
                guard let unit = record.unit, let bytes = try workspace.content(of: record.id) else { continue }
                let references = try workspace.references(unit: unit, formSet: formSet)
                guard references.basis == item.basis else { continue }  // changed again: the next round sees it
                let path = scratch.file("\(record.id)")
                try bytes.write(to: URL(fileURLWithPath: path))
                defer { try? FileManager.default.removeItem(atPath: path) }
                // It was read when it came; a build that cannot read it now leaves it be.
                guard let (source, _) = try? opener.open(path, displayName: record.fileName) else { continue }
                // Checked inside the transaction that records the verdict, row by row: a large file's findings go
                // to the stored report without being held in memory.
                guard let (result, report) = try workspace.reverdict(
                    id: record.id, basis: references.basis, formSet: formSet, at: clock.now, check: { spool in
                        do {
                            return try checker.checkStreaming(
                                source, fileName: record.fileName, references: references.index,
                                perCode: ValidationReport.shownPerCode,
                                records: .init(begin: { _ in }, row: { _, _ in }, findings: spool.rowFindings,
                                               fileFindings: spool.fileFindings)).report
                        } catch is LedgerChecker.HeaderAfterRows {
                            // A header completed after the table: checked whole.
                            try spool.reset()
                            guard let whole = try? checker.check(source, fileName: record.fileName,
                                                                 references: references.index) else { return nil }
                            try spool.fileFindings(whole.report.findings)
                            return whole.report
                        } catch where StoreErrorText.reason(error) != nil {
                            throw error
                        } catch {
                            return nil
                        }
                    }), result.changed else { continue }
                outcomes.append(recheckOutcome(result, report: report))
            }
        }
        return outcomes
    }

    private func recheckOutcome(_ result: Reverdict, report: ValidationReport) -> IngestOutcome {
        let record = result.submission
        let name = TextSafety.printable(record.fileName)
        let problems = report.findings.filter { $0.severity == .error }
        let what = ["第 \(record.id) 号报送", record.unit.flatMap { formSet.unit(id: $0)?.name },
                    record.form.flatMap { formSet.form($0)?.shortTitle }, record.period?.iso]
            .compactMap { $0 }.joined(separator: "，")
        var line = "重新核对  \(name)（\(what)）："
        switch (result.previous, record.state) {
        case (let before, let now) where before != now:
            line += "\(before.label) → \(now.label)"
        default:
            line += "仍为\(record.state.label)"
        }
        if record.state == .accepted {
            line += "（所引用的台账已更新）"
        } else {
            line += "，\(record.errorCount) 个错误" + problems.prefix(3).map { "\n          \($0)" }.joined()
                + (problems.count > 3 ? "\n          ……（用 taizhang check 查看全部）" : "")
        }
        return IngestOutcome(
            file: name, verdict: .rechecked(previous: result.previous, now: record.state), submission: record.id,
            unit: record.unit, form: record.form, period: record.period?.iso,
            rows: report.rowCounts.values.reduce(0, +), errors: record.errorCount, warnings: record.warningCount,
            firstFindings: problems.prefix(3).map(\.description), line: line)
    }
}
