// swift-tools-version: 6.0
// Taizhang (台账): the paperwork of Liaoning's 2024 enforcement-rectification campaign.
// The layout is described in ARCHITECTURE.md; keep both true to each other.
import PackageDescription

let package = Package(
    name: "Taizhang",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "taizhang", targets: ["taizhang"]),
        .library(name: "TaizhangCore", targets: ["TaizhangCore"]),
        .library(name: "TaizhangPluginTesting", targets: ["TaizhangPluginTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // MARK: Core (form model, values, validation, plugin protocols; no C, no I/O)
        .target(name: "TaizhangCore", path: "Sources/TaizhangCore"),

        // MARK: The built-in forms, compiled from forms/*.json into the binary
        .executableTarget(name: "FormsEmbedder", path: "Sources/FormsEmbedder"),
        .plugin(
            name: "EmbedForms", capability: .buildTool(),
            dependencies: ["FormsEmbedder"], path: "Sources/EmbedForms"),
        .target(
            name: "TaizhangForms", dependencies: ["TaizhangCore"],
            path: "Sources/TaizhangForms", plugins: ["EmbedForms"]),

        // MARK: C libraries (Debian packages): libxml2 for the XLSX plugin, libzip behind TaizhangZip
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CLibZip", path: "Sources/CLibZip", pkgConfig: "libzip",
            providers: [.apt(["libzip-dev"])]),

        // MARK: Zip archives (the only libzip code): OOXML packages and official submission packages
        .target(name: "TaizhangZip", dependencies: ["CLibZip"], path: "Sources/TaizhangZip"),

        // MARK: OOXML writing shared by the OOXML plugins: the XML writer (the only libxml2 writing code) and the
        // package parts every OOXML file has (content types, relationships, document properties)
        .target(name: "TaizhangOOXML", dependencies: ["TaizhangCore", "CLibXML2"], path: "Sources/TaizhangOOXML"),

        // MARK: Format plugins (one folder each under Plugins/)
        .target(
            name: "TaizhangXLSX", dependencies: ["TaizhangCore", "CLibXML2", "TaizhangZip", "TaizhangOOXML"],
            path: "Plugins/XLSX"),
        .target(name: "TaizhangXLS", dependencies: ["TaizhangCore", "TaizhangXLSX"], path: "Plugins/XLS"),
        .target(name: "TaizhangODS", dependencies: ["TaizhangCore", "TaizhangXLSX", "TaizhangZip"], path: "Plugins/ODS"),
        .target(name: "TaizhangCSV", dependencies: ["TaizhangCore"], path: "Plugins/CSV"),
        .target(
            name: "TaizhangDOCX", dependencies: ["TaizhangCore", "TaizhangOOXML", "TaizhangZip", "TaizhangMemo"],
            path: "Plugins/DOCX"),
        .target(name: "TaizhangMemo", dependencies: ["TaizhangCore"], path: "Plugins/Memo"),

        // MARK: The workspace store (SQLite through GRDB; SHA-256 through swift-crypto)
        .target(
            name: "TaizhangStore",
            dependencies: [
                "TaizhangCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // Only for writing a large report into the store in pieces (sqlite3_blob_write).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/TaizhangStore"),

        // MARK: Official submission packages (报送包): manifest, Ed25519 signatures, verification
        .target(
            name: "TaizhangParcel",
            dependencies: [
                "TaizhangCore", "TaizhangZip",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/TaizhangParcel"),

        // MARK: Generated sample ledgers (demo, conformance round trips, benchmarks)
        .target(name: "TaizhangSamples", dependencies: ["TaizhangCore"], path: "Sources/TaizhangSamples"),

        // MARK: Plugin conformance suite, for plugin authors' tests
        .target(
            name: "TaizhangPluginTesting", dependencies: ["TaizhangCore", "TaizhangSamples"],
            path: "Sources/TaizhangPluginTesting"),

        // MARK: The application layer: every use case, for every front end
        .target(
            name: "TaizhangWorkflow",
            dependencies: [
                "TaizhangCore", "TaizhangForms", "TaizhangStore", "TaizhangSamples",
                "TaizhangXLSX", "TaizhangXLS", "TaizhangODS", "TaizhangCSV", "TaizhangMemo", "TaizhangDOCX", "TaizhangParcel",
                "TaizhangZip",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/TaizhangWorkflow"),

        // MARK: The web workbench (`taizhang serve`): routes, pages and the JSON API over the same use cases
        .target(
            name: "TaizhangWeb",
            dependencies: [
                "TaizhangCore", "TaizhangWorkflow",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/TaizhangWeb"),

        // MARK: The command (arguments and printing only)
        .target(
            name: "TaizhangCLI",
            dependencies: [
                "TaizhangCore", "TaizhangWorkflow", "TaizhangWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/TaizhangCLI"),
        .executableTarget(name: "taizhang", dependencies: ["TaizhangCLI"], path: "Sources/taizhang"),

        // MARK: Benchmarks (run by Benchmarks/*.sh)
        .executableTarget(
            name: "xlsx-write-benchmark", dependencies: ["TaizhangXLSX", "TaizhangCore"],
            path: "Benchmarks/XLSXWriteBenchmark"),
        .executableTarget(
            name: "xlsx-read-benchmark", dependencies: ["TaizhangXLSX", "TaizhangXLS", "TaizhangODS", "TaizhangCore"],
            path: "Benchmarks/XLSXReadBenchmark"),
        .executableTarget(
            name: "ingest-benchmark",
            dependencies: ["TaizhangCore", "TaizhangForms", "TaizhangSamples", "TaizhangStore", "TaizhangXLSX", "TaizhangWorkflow"],
            path: "Benchmarks/IngestBenchmark"),

        // MARK: Tests
        .target(name: "TaizhangTestSupport", dependencies: ["TaizhangSamples"], path: "Tests/TestSupport", exclude: ["dump_cells.py"]),
        .target(
            name: "TaizhangStoreTestSupport",
            dependencies: ["TaizhangCore", "TaizhangForms", "TaizhangSamples", "TaizhangStore"],
            path: "Tests/StoreTestSupport"),
        .testTarget(
            name: "TaizhangCoreTests", dependencies: ["TaizhangTestSupport", "TaizhangCore", "TaizhangForms", "TaizhangSamples"],
            path: "Tests/TaizhangCoreTests"),
        .testTarget(
            name: "TaizhangWorkflowTests",
            dependencies: [
                "TaizhangTestSupport", "TaizhangStoreTestSupport", "TaizhangWorkflow", "TaizhangStore", "TaizhangCore", "TaizhangForms",
                "TaizhangSamples", "TaizhangCSV", "TaizhangXLSX", "TaizhangParcel",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/TaizhangWorkflowTests"),
        .testTarget(
            name: "TaizhangStoreTests",
            dependencies: [
                "TaizhangTestSupport", "TaizhangStoreTestSupport", "TaizhangStore", "TaizhangCore", "TaizhangForms", "TaizhangSamples",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/TaizhangStoreTests"),
        .testTarget(
            name: "TaizhangCLITests",
            dependencies: ["TaizhangTestSupport", "TaizhangCore", "TaizhangForms", "TaizhangStore", "TaizhangSamples", "TaizhangCSV", "TaizhangXLSX"],
            path: "Tests/TaizhangCLITests",
            exclude: ["Golden"]),
        .testTarget(
            name: "TaizhangWebTests",
            dependencies: [
                "TaizhangTestSupport", "TaizhangWeb", "TaizhangWorkflow", "TaizhangCore", "TaizhangForms", "TaizhangSamples",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/TaizhangWebTests", exclude: ["browser", "artefacts"]),
        .testTarget(
            name: "ParcelTests",
            dependencies: [
                "TaizhangTestSupport", "TaizhangParcel", "TaizhangZip", "TaizhangCore", "TaizhangForms", "TaizhangStore", "TaizhangSamples",
                "TaizhangCSV", "TaizhangXLSX",
            ],
            path: "Tests/ParcelTests"),
        .testTarget(
            name: "XLSXTests",
            dependencies: ["TaizhangTestSupport", "TaizhangXLSX", "TaizhangOOXML", "TaizhangCore", "TaizhangForms", "TaizhangPluginTesting"],
            path: "Tests/XLSXTests"),
        .testTarget(
            name: "XLSTests",
            dependencies: [
                "TaizhangTestSupport", "TaizhangXLS", "TaizhangXLSX", "TaizhangCore", "TaizhangForms", "TaizhangSamples",
                "TaizhangPluginTesting",
            ],
            path: "Tests/XLSTests"),
        .testTarget(
            name: "ODSTests",
            dependencies: [
                "TaizhangTestSupport", "TaizhangODS", "TaizhangXLSX", "TaizhangCore", "TaizhangForms", "TaizhangSamples",
                "TaizhangPluginTesting",
            ],
            path: "Tests/ODSTests"),
        .testTarget(
            name: "CSVTests", dependencies: ["TaizhangTestSupport", "TaizhangCSV", "TaizhangCore", "TaizhangForms", "TaizhangPluginTesting"],
            path: "Tests/CSVTests"),
        .testTarget(
            name: "MemoTests", dependencies: ["TaizhangTestSupport", "TaizhangMemo", "TaizhangCore", "TaizhangForms", "TaizhangPluginTesting"],
            path: "Tests/MemoTests", exclude: ["Golden"]),
        .testTarget(
            name: "DOCXTests",
            dependencies: [
                "TaizhangTestSupport", "TaizhangDOCX", "TaizhangMemo", "TaizhangCore", "TaizhangForms", "TaizhangPluginTesting",
            ],
            path: "Tests/DOCXTests"),
    ]
)
