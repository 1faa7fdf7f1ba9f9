import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangXLS

/// Compound files and BIFF streams built to hurt the reader: each refused with a Chinese message naming the
/// file, never a crash, a hang or an allocation past the caps.
@Suite struct XLSHostileTests {
    typealias S = XLSSupport

    private var goodStream: [UInt8] {
        let sst = S.record(0x00FC, S.u32(1) + S.u32(1) + S.string8("好"))
        return S.workbook(globals: [S.record(0x0042, S.u16(1200)), sst],
                          sheets: [(S.string8("S", short: true), [S.labelSST(0, 0, 0), S.number(0, 1, 2)])])
    }

    private func isChinese(_ error: ImportError?) -> Bool {
        guard let error else { return false }
        return error.description.contains("报送.xls") && error.detail.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }
    }

    @Test func goodFileIsRead() throws {
        #expect(S.refusal(S.compoundFile([("Workbook", goodStream)]).bytes) == nil)
    }

    @Test func notCompoundFiles() {
        #expect(S.refusal(Array("单位,问题\n".utf8))?.reason == .notSpreadsheet)
        #expect(S.refusal([])?.reason == .truncated)
        #expect(S.refusal([0xD0, 0xCF, 0x11])?.reason == .truncated)
        let cut = Array(S.compoundFile([("Workbook", goodStream)]).bytes.prefix(300))
        #expect(S.refusal(cut)?.reason == .truncated)
    }

    @Test func sectorChainsThatLoopOrPointPastTheFile() {
        let layout = S.compoundFile([("Workbook", goodStream + [UInt8](repeating: 0, count: 1200))])
        let first = layout.starts[0]
        var loop = layout
        S.setFAT(&loop, sector: first + 1, to: UInt32(first))
        let loopError = S.refusal(loop.bytes)
        #expect(loopError?.reason == .malformed)
        #expect(loopError?.detail.contains("循环") == true)
        #expect(isChinese(loopError))
        var past = layout
        S.setFAT(&past, sector: first, to: 99_999)
        let pastError = S.refusal(past.bytes)
        #expect(pastError?.reason == .malformed)
        #expect(pastError?.detail.contains("文件之外") == true)
        var directoryLoop = layout
        S.setFAT(&directoryLoop, sector: layout.directorySector, to: UInt32(layout.directorySector))
        #expect(S.refusal(directoryLoop.bytes)?.reason == .malformed)
        var short = layout
        S.setFAT(&short, sector: first, to: 0xFFFF_FFFE)
        #expect(S.refusal(short.bytes)?.reason == .truncated)
    }

    @Test func absurdCountsAndSizes() {
        let layout = S.compoundFile([("Workbook", goodStream)])
        func patched(_ offset: Int, _ value: UInt32) -> [UInt8] {
            var bytes = layout.bytes
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
            return bytes
        }
        #expect(S.refusal(patched(44, 0x7FFF_FFFF))?.reason == .malformed)  // FAT sectors
        #expect(S.refusal(patched(72, 0x7FFF_FFFF)) == nil)  // the DIFAT count is not trusted: the chain is followed
        var sector = layout.bytes
        sector[30] = 30
        #expect(S.refusal(sector)?.reason == .malformed)  // 2^30-byte sectors
        // A stream size past the file.
        let sizeOffset = (layout.directorySector + 1) * 512 + 128 + 120
        #expect(S.refusal(patched(sizeOffset, 0x0100_0000))?.reason == .malformed)
        #expect(S.refusal(patched(sizeOffset, 0x7FFF_FFF0))?.reason == .tooLarge)
    }

    @Test func directoryCycle() {
        var layout = S.compoundFile([("Workbook", goodStream), ("Other", [1, 2, 3])])
        // Entry 2's right sibling points back to entry 1.
        let offset = (layout.directorySector + 1) * 512 + 2 * 128 + 72
        for i in 0..<4 { layout.bytes[offset + i] = i == 0 ? 1 : 0 }
        let error = S.refusal(layout.bytes)
        #expect(error?.reason == .malformed)
        #expect(error?.detail.contains("目录") == true)
    }

    @Test func recordsPastTheirStream() {
        var stream = goodStream
        // The last record (EOF of the sheet) claims 4,000 bytes.
        stream[stream.count - 2] = 0xA0
        stream[stream.count - 1] = 0x0F
        let error = S.refusal(S.compoundFile([("Workbook", stream)]).bytes)
        #expect(error?.reason == .malformed)
        #expect(isChinese(error))
        // A BOUNDSHEET that points past the stream.
        let bad = S.workbook(globals: [], sheets: [(S.string8("S", short: true), [])])
        var moved = bad
        let boundSheet = 20 + 4  // after BOF: the BOUNDSHEET's data
        moved.replaceSubrange(boundSheet..<boundSheet + 4, with: S.u32(1 << 30))
        #expect(S.refusal(S.compoundFile([("Workbook", moved)]).bytes)?.place == "S")
        // A LABELSST past the SST.
        let labels = S.xls(sheets: [("S", [S.labelSST(4, 2, 7)])])
        let labelError = S.refusal(labels)
        #expect(labelError?.reason == .malformed)
        #expect(labelError?.place == "S!C5")
        // An SST string longer than its records.
        let sst = S.record(0x00FC, S.u32(1) + S.u32(1) + S.u16(60_000) + [1] + [0x41, 0])
        #expect(S.refusal(S.xls(globals: [sst], sheets: [("S", [])]))?.place == "SST")
    }

    @Test func encryptedFiles() {
        let filePass = S.record(0x002F, S.u16(1) + [UInt8](repeating: 0, count: 52))
        let error = S.refusal(S.xls(globals: [filePass], sheets: [("S", [])]))
        #expect(error?.reason == .encrypted)
        #expect(error?.detail.contains("密码") == true)
        // A password-protected .xlsx is a compound file too.
        let ooxml = S.compoundFile([("EncryptionInfo", [1, 2, 3, 4]), ("EncryptedPackage", [5, 6, 7, 8])]).bytes
        #expect(S.refusal(ooxml, name: "报送.xlsx")?.reason == .encrypted)
        // A Word document is not a workbook.
        #expect(S.refusal(S.compoundFile([("WordDocument", [0, 1])]).bytes)?.reason == .notSpreadsheet)
        // Nor are Excel 4.0 and older.
        #expect(S.refusal(S.compoundFile([("Book", S.record(0x0409, S.u16(0) + S.u16(0x10)))]).bytes)?.reason == .unsupported)
    }

    @Test func limits() throws {
        let rows = (0..<5).map { S.number($0, 0, Double($0)) }
        let bytes = S.xls(sheets: [("S", rows)])
        #expect(S.refusal(bytes, limits: ImportLimits(maxRows: 4))?.reason == .tooLarge)
        #expect(S.refusal(bytes, limits: ImportLimits(maxRows: 5)) == nil)
        #expect(S.refusal(bytes, limits: ImportLimits(maxPartBytes: 1000))?.reason == .tooLarge)
    }

    /// Damaged copies of a real LibreOffice .xls (bytes changed, or cut short anywhere) are read or refused
    /// with an ImportError, within a second each; never a crash or a hang.
    @Test func damagedFilesNeverCrash() throws {
        let folder = try S.temporaryFolder("fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = [UInt8](try Data(contentsOf: XLSClientTests.files.get().appendingPathComponent("client.xls")))
        var generator = SplitMix(seed: 20240630)
        var damaged: [[UInt8]] = stride(from: 1, to: good.count, by: 97).map { Array(good[0..<$0]) }
        for _ in 0..<300 {
            var copy = good
            for _ in 0..<Int(generator.next() % 6 + 1) {
                copy[Int(generator.next() % UInt64(copy.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            damaged.append(copy)
        }
        // Damage aimed at the workbook stream's record headers, where the lengths are.
        let hand = S.compoundFile([("Workbook", goodStream)]).bytes
        for _ in 0..<200 {
            var copy = hand
            let start = 512 * 3
            for _ in 0..<Int(generator.next() % 3 + 1) {
                copy[start + Int(generator.next() % UInt64(goodStream.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            damaged.append(copy)
        }
        var refused = 0
        for bytes in damaged {
            let started = Date()
            if let error = S.refusal(bytes) {
                refused += 1
                #expect(error.file == "报送.xls", "\(error)")
            }
            #expect(Date().timeIntervalSince(started) < 2)
        }
        #expect(refused > 0 && refused < damaged.count)
    }
}
