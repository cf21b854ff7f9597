import Foundation

/// A kind of personal data the detector finds.
public enum PersonalDataType: String, Codable, Sendable, CaseIterable, Comparable {
    case email
    case phone
    /// A payment card number (13–19 digits, Luhn-checked, a known issuer prefix).
    case card
    case iban
    /// An IPv4 or IPv6 address.
    case ipAddress = "ip_address"
    /// A street address with its postal code.
    case address
    /// A national identifier: US SSN, UK National Insurance number, Spanish DNI/NIE, French NIR, German tax id.
    case nationalID = "national_id"
    /// A password, API key or token pasted in the text.
    case secret

    /// The word of its placeholders: `[EMAIL_1]`, `[CARD_2]`.
    public var placeholderTag: String {
        switch self {
        case .email: "EMAIL"
        case .phone: "PHONE"
        case .card: "CARD"
        case .iban: "IBAN"
        case .ipAddress: "IP"
        case .address: "ADDRESS"
        case .nationalID: "ID"
        case .secret: "SECRET"
        }
    }

    /// Which of two overlapping spans wins: the more specific (a checksum or a fixed prefix proves more than a
    /// digit pattern). Higher wins; equal ranks are decided by length.
    var specificity: Int {
        switch self {
        case .secret: 8
        case .email: 7
        case .iban: 6
        case .card: 5
        case .nationalID: 4
        case .ipAddress: 3
        case .address: 2
        case .phone: 1
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One piece of personal data found in a text.
public struct PersonalDataSpan: Sendable, Equatable {
    public var type: PersonalDataType
    public var range: Range<String.Index>
    public var text: String

    public init(type: PersonalDataType, range: Range<String.Index>, text: String) {
        self.type = type
        self.range = range
        self.text = text
    }
}
