// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "LocalTriage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "localtriage", targets: ["LocalTriageCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Domain: value types, text normalisation, chunking, metrics. No I/O.
        .target(name: "Domain", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Store: the store interfaces by consumer (`StoreBackend`), the change feed, and the embedded SQLite (GRDB)
        // implementation with its in-memory nearest-neighbour index.
        .target(name: "Store", dependencies: [
            "Domain", "CBLAS", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // PostgresStore: the store protocols on PostgreSQL with pgvector (PostgresNIO), versioned migrations. No GRDB.
        .target(name: "PostgresStore", dependencies: [
            "Domain", "Store", "Search", .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // Readers: file readers (CSV, JSON, JSONL, Markdown), field mapping, and the one ticket validator (files and
        // the API). No storage.
        .target(name: "Readers", dependencies: ["Domain"]),
        // Ingest: the resumable ingest pipeline from readers into the store.
        .target(name: "Ingest", dependencies: ["Domain", "Readers", "Store"]),
        // Search: retrievers (BM25, dense, hybrid), fusion, and their evaluation.
        .target(name: "Search", dependencies: [
            "Domain", "Store", "Readers", "CBLAS", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // Routing: TF-IDF features, multinomial logistic regression blended with embedding centroids, calibration by
        // cross-validation, and familiarity (nearest training example) for tickets of no known kind.
        .target(name: "Routing", dependencies: ["Domain", "Readers", "CBLAS"]),
        // CBLAS: OpenBLAS from Debian (libopenblas-dev).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Embeddings: all-MiniLM-L6-v2 sentence encoder (WordPiece + BERT forward pass on BLAS).
        .target(name: "Embeddings", dependencies: ["Domain", "CBLAS"]),
        // Privacy: the personal-data detector (emails, phones, cards, IBANs, IPs, addresses, national ids, secrets) and
        // the redactor (numbered placeholders, restored in a reply). No I/O.
        .target(name: "Privacy"),
        // LLM: an OpenAI-compatible chat client (SSE streaming), the zero-egress policy, redaction for endpoints that are
        // not the embedded one, the llama-server supervisor.
        .target(name: "LLM", dependencies: [
            "Privacy",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // Drafting: the approved-answer library (mining, matching), answer-first composition from the KB, the claim
        // detector (reports and commitments), prompts, citation verification, the draft pipeline.
        .target(name: "Drafting", dependencies: [
            "Domain", "Store", "Search", "LLM", "Routing", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ], resources: [.copy("Resources/claims.jsonl")]),
        // Lifecycle: router artefacts, training runs, the model registry (champion/challenger, gated promotion,
        // rollback), model cards; shared by the CLI and the HTTP server.
        .target(name: "Lifecycle", dependencies: ["Domain", "Store", "Routing"]),
        // Monitoring: drift and data-quality checks of a window against a reference, emerging themes; the ticket
        // files it reads (through Readers) and the latest report's files.
        .target(name: "Monitoring", dependencies: ["Domain", "Readers", "Routing", "CBLAS"]),
        // Evaluation: the evaluation harnesses (router, out-of-scope, retrieval, drafts, verifier, claims, drift,
        // themes, personal data), each a value with its settings and a `run()` returning its report; `eval` prints them.
        .target(name: "Evaluation", dependencies: [
            "Application", "Domain", "Drafting", "Ingest", "LLM", "Lifecycle", "Monitoring", "Privacy", "Readers", "Routing", "Search",
            "Store",
        ]),
        // Benchmarks: repeatable speed measurements (ingest, search, the encoder, router training), run by `bench`.
        .target(name: "Benchmarks", dependencies: ["Domain", "Store", "Readers", "Ingest", "Search", "Routing", "Embeddings"]),
        // Rendering: HTML escaping, server-side SVG charts and the monitor's report page, for the web UI and the CLI.
        .target(name: "Rendering", dependencies: ["Monitoring"]),
        // Application: the use cases the server and the CLI share (triage and its records, the routers that answer,
        // opening the store a URL names).
        .target(name: "Application", dependencies: [
            "Domain", "Store", "PostgresStore", "Search", "Routing", "Drafting", "LLM", "Lifecycle", "Monitoring",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // Server: the HTTP API (Hummingbird), API keys and roles, health, readiness and Prometheus metrics.
        .target(name: "Server", dependencies: [
            "Application", "Domain", "Store", "Readers", "Search", "Routing", "Drafting", "LLM", "Lifecycle", "Monitoring",
            "Rendering", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [.copy("openapi.json")],
        // Members of modules the Server does not import (GRDB's, through Store) stay invisible: GRDB's `SQL` is
        // string-interpolable and once captured the UI's HTML string literals.
        swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .executableTarget(
            name: "LocalTriageCLI",
            dependencies: [
                "Application", "Domain", "Store", "Readers", "Ingest", "Search", "Routing", "Embeddings", "LLM", "Drafting", "Lifecycle",
                "Monitoring", "Rendering", "Server", "Benchmarks", "Evaluation", "Privacy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Helpers shared by the test targets (temporary homes, locating ../shared data, a deterministic test embedder,
        // a throwaway database on the test PostgreSQL server).
        .target(name: "TestSupport", dependencies: [
            "Domain", "PostgresStore", .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ],
                path: "Tests/TestSupport"),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "TestSupport"]),
        .testTarget(name: "ApplicationTests", dependencies: [
            "Application", "Domain", "PostgresStore", "Routing", "Store", "TestSupport", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "PostgresStore", "Search", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Readers", "Store", "TestSupport"]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "Store", "Readers", "Ingest", "Embeddings", "TestSupport"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "Readers", "TestSupport"]),
        .testTarget(name: "EmbeddingsTests", dependencies: ["Embeddings", "Domain", "TestSupport"]),
        .testTarget(name: "LLMTests", dependencies: ["LLM", "TestSupport"]),
        .testTarget(name: "PrivacyTests", dependencies: ["Privacy", "Evaluation", "LLM", "TestSupport"]),
        .testTarget(name: "DraftingTests", dependencies: [
            "Application", "Drafting", "LLM", "Privacy", "Search", "Store", "Readers", "Ingest", "Embeddings", "TestSupport",
        ]),
        .testTarget(name: "ServerTests", dependencies: [
            "Application", "Server", "Store", "Search", "Readers", "Ingest", "Embeddings", "Drafting", "LLM", "Routing", "Lifecycle", "Monitoring",
            "Rendering", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring", "Domain", "TestSupport"]),
        .testTarget(name: "LifecycleTests", dependencies: ["Lifecycle", "Routing", "Store", "Embeddings", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["LocalTriageCLI", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
