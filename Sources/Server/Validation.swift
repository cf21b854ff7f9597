import Domain
import Foundation
import Hummingbird

/// Input checks that answer 400 with a message naming the field.
enum Validate {
    /// Trimmed text, nil when absent or blank; 400 when required and missing, too long, or holding a NUL
    /// character (the store would keep the text only up to it).
    static func text(_ value: String?, _ field: String, max: Int, required: Bool = true) throws -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            if required { throw HTTPError(.badRequest, message: "\(field) is required") }
            return nil
        }
        guard !value.containsNUL else {
            throw HTTPError(.badRequest, message: "\(field) contains a NUL character (U+0000)")
        }
        guard value.count <= max else { throw HTTPError(.badRequest, message: "\(field) is longer than \(max) characters") }
        return value
    }

    static func int(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw HTTPError(.badRequest, message: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    static func priority(_ raw: String?) throws -> Priority? {
        guard let raw else { return nil }
        guard let priority = Priority(parsing: raw) else { throw HTTPError(.badRequest, message: "priority must be P1–P4") }
        return priority
    }

    static func choice<T: RawRepresentable>(_ raw: String?, _ name: String, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let raw else { return nil }
        guard let value = T(rawValue: raw) else { throw HTTPError(.badRequest, message: "\(name) has no value \(raw)") }
        return value
    }
}

extension Parameters {
    /// A path parameter, percent-decoded: ids may hold a space, é, '/', '?' or '#' (sent as %20, %C3%A9, %2F,
    /// %3F, %23). 400 when the encoding is broken or the value holds a NUL character.
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        guard let value = raw.removingPercentEncoding else {
            throw HTTPError(.badRequest, message: "\(name) is not valid percent-encoded UTF-8")
        }
        guard !value.containsNUL else { throw HTTPError(.badRequest, message: "\(name) contains a NUL character (U+0000)") }
        return value
    }
}
