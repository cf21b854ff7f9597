import Domain
import Foundation
import Privacy

/// A generated, labelled set for the personal-data detector: support-ticket sentences in English (US and UK
/// formats), German, French and Spanish with personal data inserted (the ground truth is what was inserted, with
/// its offsets) and, in the same tickets, look-alikes that are not personal data (order numbers, error codes,
/// versions, amounts, dates, times, ticket ids, tracking numbers failing Luhn, plain numbers, numbers of an
/// identifier's shape failing its checksum). Deterministic for a seed: the seed draws the language, the templates,
/// their order in a ticket, each value and its written format, so two seeds share templates and formats but no
/// ticket. Lives in Evaluation (not the tests) because `eval pii` generates it at run time.
public struct PersonalDataCorpus: Sendable {
    /// What a look-alike imitates.
    public enum LookAlikeKind: String, Codable, Sendable, CaseIterable {
        case orderNumber = "order_number", errorCode = "error_code", version, amount, date, time
        case ticketID = "ticket_id", trackingNumber = "tracking_number", plainNumber = "plain_number"
        case invalidChecksum = "invalid_checksum"
    }

    /// An inserted value: its label, its place in the text (UTF-16 offsets) and the text.
    public struct Labelled: Codable, Sendable, Equatable {
        public var label: String
        public var start: Int
        public var end: Int
        public var text: String
    }

    /// One generated ticket.
    public struct Example: Codable, Sendable {
        public var language: String
        public var text: String
        /// Personal data inserted, labelled with `PersonalDataType.rawValue`.
        public var entities: [Labelled]
        /// Look-alikes inserted, labelled with `LookAlikeKind.rawValue`.
        public var lookAlikes: [Labelled]
    }

    public var seed: UInt64
    /// At least this many personal-data values and this many look-alikes are generated.
    public var entities: Int
    public var lookAlikes: Int

    public init(seed: UInt64, entities: Int = 2_400, lookAlikes: Int = 2_400) {
        self.seed = seed
        self.entities = entities
        self.lookAlikes = lookAlikes
    }

    /// The tickets, the same for the same settings.
    public func generate() -> [Example] {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 17)
        var examples: [Example] = []
        var entityCount = 0, lookAlikeCount = 0
        var typeCycle: [PersonalDataType] = [], kindCycle: [LookAlikeKind] = []
        while entityCount < entities || lookAlikeCount < lookAlikes {
            let region = Region.allCases.randomElement(using: &random)!
            var sentences: [Sentence] = []
            for _ in 0..<Int.random(in: 1...2, using: &random) where entityCount < entities {
                if typeCycle.isEmpty { typeCycle = PersonalDataType.allCases.shuffled(using: &random) }
                let type = typeCycle.removeLast()
                sentences.append(Values.entitySentence(type, region, &random))
                entityCount += 1
            }
            for _ in 0..<Int.random(in: 1...2, using: &random) where lookAlikeCount < lookAlikes {
                if kindCycle.isEmpty { kindCycle = LookAlikeKind.allCases.shuffled(using: &random) }
                let kind = kindCycle.removeLast()
                sentences.append(Values.lookAlikeSentence(kind, region, &random))
                lookAlikeCount += 1
            }
            if Int.random(in: 0..<3, using: &random) == 0 {
                sentences.append(Sentence(Templates.filler[region.language]!.randomElement(using: &random)!))
            }
            sentences.shuffle(using: &random)
            if Bool.random(using: &random) { sentences.insert(Sentence(Templates.greeting[region.language]!.randomElement(using: &random)!), at: 0) }
            examples.append(Self.join(sentences, language: region.language, separator: Bool.random(using: &random) ? " " : "\n"))
        }
        return examples
    }

    /// Sentences joined into one ticket, their labels moved to the ticket's offsets.
    static func join(_ sentences: [Sentence], language: String, separator: String) -> Example {
        var text = "", entities: [Labelled] = [], lookAlikes: [Labelled] = []
        for (index, sentence) in sentences.enumerated() {
            if index > 0 { text += separator }
            let offset = text.utf16.count
            for part in sentence.parts {
                let start = text.utf16.count - offset
                text += part.text
                guard let label = part.label else { continue }
                let labelled = Labelled(label: label.name, start: offset + start, end: text.utf16.count, text: part.text)
                if label.isEntity { entities.append(labelled) } else { lookAlikes.append(labelled) }
            }
        }
        return Example(language: language, text: text, entities: entities, lookAlikes: lookAlikes)
    }

    /// A sentence as text pieces, some of them labelled.
    struct Sentence {
        struct Part {
            var text: String
            var label: (name: String, isEntity: Bool)?
        }
        var parts: [Part]

        init(_ text: String) { parts = [Part(text: text, label: nil)] }

        /// A template with one `{}` slot filled by `value` (and an unlabelled `lead` before it).
        init(template: String, lead: String = "", value: String, label: String, isEntity: Bool) {
            let pieces = template.components(separatedBy: "{}")
            precondition(pieces.count == 2, "a template has one slot: \(template)")
            parts = [Part(text: pieces[0] + lead, label: nil), Part(text: value, label: (label, isEntity)), Part(text: pieces[1], label: nil)]
        }
    }

    /// Where the formats come from.
    enum Region: CaseIterable {
        case us, gb, de, fr, es
        var language: String {
            switch self {
            case .us, .gb: "en"
            case .de: "de"
            case .fr: "fr"
            case .es: "es"
            }
        }
    }
}

/// Values in each region's written formats.
enum Values {
    typealias Region = PersonalDataCorpus.Region
    typealias Sentence = PersonalDataCorpus.Sentence

    static func digits(_ count: Int, _ random: inout SeededRandom) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
    }

    static func pick<T>(_ values: [T], _ random: inout SeededRandom) -> T { values.randomElement(using: &random)! }

    static func number(_ range: ClosedRange<Int>, _ random: inout SeededRandom, width: Int = 0) -> String {
        let value = String(Int.random(in: range, using: &random))
        return String(repeating: "0", count: max(0, width - value.count)) + value
    }

    static func entitySentence(_ type: PersonalDataType, _ region: Region, _ random: inout SeededRandom) -> Sentence {
        let templates = Templates.entity[type]![region.language]!
        let template = pick(templates, &random)
        switch type {
        case .secret:
            let (lead, value) = secret(region, &random)
            return Sentence(template: template, lead: lead, value: value, label: type.rawValue, isEntity: true)
        default:
            return Sentence(template: template, value: value(type, region, &random), label: type.rawValue, isEntity: true)
        }
    }

    static func lookAlikeSentence(_ kind: PersonalDataCorpus.LookAlikeKind, _ region: Region, _ random: inout SeededRandom) -> Sentence {
        let template = pick(Templates.lookAlike[kind]![region.language]!, &random)
        return Sentence(template: template, value: lookAlike(kind, region, &random), label: kind.rawValue, isEntity: false)
    }

    static func value(_ type: PersonalDataType, _ region: Region, _ random: inout SeededRandom) -> String {
        switch type {
        case .email: email(region, &random)
        case .phone: phone(region, &random)
        case .card: card(&random)
        case .iban: iban(region, &random)
        case .ipAddress: ip(&random)
        case .address: address(region, &random)
        case .nationalID: nationalID(region, &random)
        case .secret: secret(region, &random).value
        }
    }

    // MARK: Email

    static let firstNames: [Region: [String]] = [
        .us: ["james", "mary", "john", "linda", "michael", "jennifer", "david", "ashley", "chris", "taylor"],
        .gb: ["oliver", "amelia", "harry", "isla", "george", "emily", "jack", "sophie", "thomas", "grace"],
        .de: ["lukas", "anna", "jonas", "lea", "felix", "hannah", "maximilian", "sophie", "jürgen", "katrin"],
        .fr: ["lucas", "emma", "hugo", "chloe", "louis", "camille", "jules", "manon", "antoine", "lea"],
        .es: ["hugo", "lucia", "martin", "sofia", "pablo", "maria", "alejandro", "paula", "javier", "carmen"],
    ]
    static let lastNames: [Region: [String]] = [
        .us: ["smith", "johnson", "williams", "brown", "jones", "miller", "davis", "garcia", "wilson", "moore"],
        .gb: ["taylor", "davies", "evans", "thomas", "roberts", "walker", "wright", "hughes", "green", "hall"],
        .de: ["mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker", "hoffmann", "koch"],
        .fr: ["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau"],
        .es: ["garcia", "fernandez", "gonzalez", "rodriguez", "lopez", "martinez", "sanchez", "perez", "gomez", "ruiz"],
    ]
    static let mailDomains: [Region: [String]] = [
        .us: ["gmail.com", "yahoo.com", "outlook.com", "acme-corp.com", "mail.example.org", "comcast.net"],
        .gb: ["btinternet.com", "gmail.com", "sky.com", "northwind.co.uk", "nhs.net", "hotmail.co.uk"],
        .de: ["web.de", "gmx.de", "t-online.de", "firma-schulz.de", "posteo.de", "mail.stadtwerke-nord.de"],
        .fr: ["orange.fr", "free.fr", "laposte.net", "sfr.fr", "entreprise-durand.fr", "wanadoo.fr"],
        .es: ["telefonica.es", "gmail.com", "hotmail.es", "correo.ayto-madrid.es", "empresa-lopez.es", "yahoo.es"],
    ]

    static func email(_ region: Region, _ random: inout SeededRandom) -> String {
        let first = pick(firstNames[region]!, &random).folding(options: .diacriticInsensitive, locale: nil)
        let last = pick(lastNames[region]!, &random)
        let local: String =
            switch Int.random(in: 0..<7, using: &random) {
            case 0: "\(first).\(last)"
            case 1: "\(first.prefix(1))\(last)"
            case 2: "\(first)_\(last)\(number(1...99, &random))"
            case 3: "\(first).\(last)+support"
            case 4: "\(last).\(first)"
            case 5: "\(first)\(number(1970...2005, &random))"
            default: "\(first.capitalized).\(last.capitalized)"
            }
        return local + "@" + pick(mailDomains[region]!, &random)
    }

    // MARK: Phone

    static func phone(_ region: Region, _ random: inout SeededRandom) -> String {
        switch region {
        case .us:
            let (a, e, l) = (number(201...989, &random), number(200...989, &random), digits(4, &random))
            return pick(
                [
                    "(\(a)) \(e)-\(l)", "\(a)-\(e)-\(l)", "\(a).\(e).\(l)", "+1 \(a) \(e) \(l)", "+1 (\(a)) \(e)-\(l)",
                    "+1-\(a)-\(e)-\(l)", "1-\(a)-\(e)-\(l)", "(\(a))\(e)-\(l)", "+1.\(a).\(e).\(l)", "\(a) \(e) \(l)",
                ], &random)
        case .gb:
            let london = "20 \(number(3...8, &random))\(digits(3, &random)) \(digits(4, &random))"
            let mobile = "7\(number(400...999, &random)) \(digits(6, &random))"
            let city = "1\(number(13...99, &random)) \(digits(3, &random)) \(digits(4, &random))"
            let national = pick([london, mobile, city], &random)
            return pick(
                [
                    "0" + national, "0" + national, "+44 " + national, "+44 (0)" + national, "0044 " + national,
                    "+44 (0) " + national, "0" + national.filter { $0 != " " },
                ], &random)
        case .de:
            let area = pick(["30", "89", "40", "221", "69", "711", "351", "511"], &random)
            let mobile = pick(["151", "160", "170", "171", "172", "176", "157"], &random)
            let subscriber = digits(Int.random(in: 6...8, using: &random), &random)
            let mobileSubscriber = digits(7, &random)
            let prefix = Bool.random(using: &random) ? area : mobile
            let rest = prefix == area ? subscriber : mobileSubscriber
            // Grouped as written by hand: 123 456 78, 12 34 56 7.
            let chars = Array(rest)
            let grouped =
                chars.count >= 8
                ? "\(String(chars[0..<3])) \(String(chars[3..<6])) \(String(chars[6...]))"
                : "\(String(chars[0..<3])) \(String(chars[3...]))"
            return pick(
                [
                    "0\(prefix) \(rest)", "0\(prefix)/\(rest)", "0\(prefix)-\(rest)", "(0\(prefix)) \(grouped)",
                    "+49 \(prefix) \(rest)", "+49 (0)\(prefix) \(rest)", "0049 \(prefix) \(rest)", "+49 \(prefix) \(grouped)",
                    "+49-\(prefix)-\(rest)", "+49\(prefix)\(rest)",
                ], &random)
        case .fr:
            let first = pick(["1", "2", "3", "4", "5", "6", "7", "9"], &random)
            let pairs = (0..<4).map { _ in digits(2, &random) }
            return pick(
                [
                    "0\(first) " + pairs.joined(separator: " "), "0\(first)." + pairs.joined(separator: "."),
                    "0\(first)-" + pairs.joined(separator: "-"), "+33 \(first) " + pairs.joined(separator: " "),
                    "+33 (0)\(first) " + pairs.joined(separator: " "), "0033 \(first) " + pairs.joined(separator: " "),
                    "+33\(first)" + pairs.joined(),
                ], &random)
        case .es:
            let mobile = pick(["6", "7"], &random) + digits(8, &random)
            let fixed = pick(["91", "93", "95", "96", "98"], &random) + digits(7, &random)
            let n = Bool.random(using: &random) ? mobile : fixed
            let chars = Array(n)
            let threes = "\(String(chars[0..<3])) \(String(chars[3..<6])) \(String(chars[6..<9]))"
            let pairs = "\(String(chars[0..<3])) \(String(chars[3..<5])) \(String(chars[5..<7])) \(String(chars[7..<9]))"
            let landline = "\(String(chars[0..<2])) \(String(chars[2..<5])) \(String(chars[5..<7])) \(String(chars[7..<9]))"
            return pick([threes, pairs, landline, "+34 " + threes, "+34 " + pairs, "+34 " + n, "0034 " + threes, "+34-" + n], &random)
        }
    }

    // MARK: Card

    static func card(_ random: inout SeededRandom) -> String {
        let (prefix, length): (String, Int) = pick(
            [
                ("4", 16), ("4", 16), ("4", 13), ("5\(Int.random(in: 1...5, using: &random))", 16),
                (String(Int.random(in: 2221...2720, using: &random)), 16), (pick(["34", "37"], &random), 15), ("6011", 16),
                ("65", 16), ("35\(Int.random(in: 28...89, using: &random))", 16), ("36", 14), ("62", 19), ("6759", 18),
            ], &random)
        var body = prefix + digits(length - prefix.count - 1, &random)
        body += String(Checksums.luhnCheckDigit(body))
        let separator = pick([" ", " ", "-", ""], &random)
        guard !separator.isEmpty else { return body }
        let chars = Array(body)
        if length == 15 { return [String(chars[0..<4]), String(chars[4..<10]), String(chars[10...])].joined(separator: separator) }
        return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }.joined(separator: separator)
    }

    // MARK: IBAN

    static func iban(_ region: Region, _ random: inout SeededRandom) -> String {
        let home: String =
            switch region {
            case .us: pick(["GB", "NL", "IE", "DE"], &random)
            case .gb: "GB"
            case .de: pick(["DE", "DE", "DE", "AT", "CH"], &random)
            case .fr: pick(["FR", "FR", "FR", "BE", "LU"], &random)
            case .es: pick(["ES", "ES", "ES", "PT", "IT"], &random)
            }
        let country = Int.random(in: 0..<8, using: &random) == 0 ? pick(["NL", "IT", "BE", "PL", "SE", "FR", "ES", "DE"], &random) : home
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        func letter() -> String { String(letters.randomElement(using: &random)!) }
        let bban: String =
            switch country {
            case "GB", "IE": letter() + letter() + letter() + letter() + digits(14, &random)
            case "NL": letter() + letter() + letter() + letter() + digits(10, &random)
            case "IT": letter() + digits(22, &random)
            default: digits(Checksums.ibanLengths[country]! - 4, &random)
            }
        let compact = country + Checksums.ibanCheckDigits(country: country, bban: bban) + bban
        guard Int.random(in: 0..<4, using: &random) != 0 else { return Int.random(in: 0..<6, using: &random) == 0 ? compact.lowercased() : compact }
        let chars = Array(compact)
        return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }.joined(separator: " ")
    }

    // MARK: IP

    static func ip(_ random: inout SeededRandom) -> String {
        if Int.random(in: 0..<3, using: &random) > 0 {
            let first = pick([10, 172, 192, 81, 85, 62, 203, 198, 46, 91, 145, 212], &random)
            return
                "\(first).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))"
        }
        let groups = (0..<8).map { _ in String(Int.random(in: 0...0xFFFF, using: &random), radix: 16) }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return groups.joined(separator: ":")
        case 1: return "2001:db8::" + groups[5...].joined(separator: ":")
        case 2: return "fe80::" + groups[4...].joined(separator: ":")
        default: return "2a02:" + groups[1..<3].joined(separator: ":") + "::" + groups[7]
        }
    }

    // MARK: Address

    static func address(_ region: Region, _ random: inout SeededRandom) -> String {
        switch region {
        case .us:
            let street = pick(["Oak", "Maple", "Amherst", "Lincoln", "Washington", "Cedar Hill", "N. Main", "Martin Luther King"], &random)
            let suffix = pick(["Street", "St.", "Avenue", "Ave", "Road", "Blvd", "Lane", "Drive", "Court", "Way"], &random)
            let unit = Bool.random(using: &random) ? "" : pick([", Apt 4B", ", Suite 210", " #12", ", Unit 3"], &random)
            let (city, state) = pick(
                [
                    ("Springfield", "IL"), ("San Francisco", "CA"), ("Austin", "TX"), ("Brooklyn", "NY"),
                    ("Salt Lake City", "UT"), ("Portland", "OR"), ("Miami", "FL"),
                ], &random)
            let zip = digits(5, &random) + (Int.random(in: 0..<4, using: &random) == 0 ? "-" + digits(4, &random) : "")
            return "\(Int.random(in: 1...9999, using: &random)) \(street) \(suffix)\(unit), \(city)\(pick([", ", " "], &random))\(state) \(zip)"
        case .gb:
            let street = pick(["Baker", "Mill", "Church", "Station", "Victoria", "Kings", "Queen Anne", "Park View"], &random)
            let suffix = pick(["Street", "Road", "Lane", "Close", "Gardens", "Crescent", "Avenue", "Terrace"], &random)
            let (city, area) = pick(
                [
                    ("London", "NW1"), ("Leeds", "LS1"), ("Manchester", "M1"), ("Bristol", "BS8"),
                    ("London", "SW1A"), ("Birmingham", "B33"), ("Croydon", "CR2"), ("London", "EC1A"),
                ], &random)
            let letters = Array("ABDEFGHJLNPQRSTUWXYZ")
            let postcode =
                "\(area) \(Int.random(in: 1...9, using: &random))\(letters.randomElement(using: &random)!)\(letters.randomElement(using: &random)!)"
            let flat = Int.random(in: 0..<4, using: &random) == 0 ? "Flat \(Int.random(in: 1...20, using: &random)), " : ""
            let house = "\(Int.random(in: 1...250, using: &random))\(Int.random(in: 0..<6, using: &random) == 0 ? "B" : "")"
            return "\(flat)\(house) \(street) \(suffix), \(city)\(pick([", ", " "], &random))\(postcode)"
        case .de:
            let street = pick(
                [
                    "Hauptstraße", "Berliner Straße", "Goethestr.", "Am Lindenweg", "Schillerplatz", "Bahnhofstraße",
                    "Rosenweg", "Kaiserallee", "Alte Gasse", "Mühlenweg",
                ], &random)
            let (plz, city) = pick(
                [
                    ("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"), ("60313", "Frankfurt am Main"),
                    ("20095", "Hamburg"), ("70173", "Stuttgart"), ("01067", "Dresden"),
                ], &random)
            let house = "\(Int.random(in: 1...180, using: &random))\(Int.random(in: 0..<5, using: &random) == 0 ? "a" : "")"
            return "\(street) \(house), \(plz) \(city)"
        case .fr:
            let house = "\(Int.random(in: 1...220, using: &random))\(Int.random(in: 0..<6, using: &random) == 0 ? " bis" : "")"
            let street = pick(
                [
                    "rue de la Paix", "avenue Victor Hugo", "boulevard Haussmann", "place Bellecour", "rue du Faubourg Saint-Antoine",
                    "chemin des Vignes", "allée des Tilleuls", "Rue Nationale", "quai de la Loire",
                ], &random)
            let (cp, city) = pick(
                [
                    ("75002", "Paris"), ("69006", "Lyon"), ("13001", "Marseille"), ("31000", "Toulouse"),
                    ("42000", "Saint-Étienne"), ("13100", "Aix-en-Provence"), ("44000", "Nantes"),
                ], &random)
            return "\(house) \(street)\(pick([", ", " "], &random))\(cp) \(city)"
        case .es:
            let street = pick(
                [
                    "Calle Mayor", "C/ Gran Vía", "Avenida de la Constitución", "Paseo de Gracia", "Plaza Mayor",
                    "Calle de Alcalá", "Avda. Diagonal", "Camino Real",
                ], &random)
            let (cp, city) = pick(
                [
                    ("28013", "Madrid"), ("08008", "Barcelona"), ("41001", "Sevilla"), ("46002", "Valencia"),
                    ("37002", "Salamanca"), ("29001", "Málaga"),
                ], &random)
            let floor = Bool.random(using: &random) ? "" : ", \(Int.random(in: 1...9, using: &random))º \(pick(["A", "B", "C", "D"], &random))"
            return "\(street)\(pick([" ", ", "], &random))\(Int.random(in: 1...200, using: &random))\(floor), \(cp) \(city)"
        }
    }

    // MARK: National identifiers

    static func nationalID(_ region: Region, _ random: inout SeededRandom) -> String {
        switch region {
        case .us:
            let area = pick(Array(1...665) + Array(667...899), &random)
            return "\(String(format: "%03d", area))-\(number(1...99, &random, width: 2))-\(number(1...9999, &random, width: 4))"
        case .gb:
            let first = Array("ABCEGHJKLMNOPRSTWXYZ"), second = Array("ABCEGHJKLMNPRSTWXYZ")
            var prefix = ""
            repeat {
                prefix = "\(first.randomElement(using: &random)!)\(second.randomElement(using: &random)!)"
            } while ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(prefix)
            let (a, b, c) = (digits(2, &random), digits(2, &random), digits(2, &random))
            let suffix = pick(["A", "B", "C", "D"], &random)
            return Bool.random(using: &random) ? "\(prefix) \(a) \(b) \(c) \(suffix)" : "\(prefix)\(a)\(b)\(c)\(suffix)"
        case .es:
            if Bool.random(using: &random) {
                let n = number(10_000_000...99_999_999, &random)
                return n + pick(["", "-"], &random) + String(Checksums.spanishIDLetter(n)!)
            }
            let lead = pick(["X", "Y", "Z"], &random), n = digits(7, &random)
            return lead + n + String(Checksums.spanishIDLetter(lead + n)!)
        case .fr:
            let body =
                "\(pick(["1", "2"], &random))\(digits(2, &random))\(number(1...12, &random, width: 2))\(number(1...95, &random, width: 2))\(digits(3, &random))\(digits(3, &random))"
            let key = 97 - Int(body)! % 97
            let compact = body + String(format: "%02d", key)
            guard Bool.random(using: &random) else { return compact }
            let c = Array(compact)
            return [c[0..<1], c[1..<3], c[3..<5], c[5..<7], c[7..<10], c[10..<13], c[13..<15]].map { String($0) }.joined(separator: " ")
        case .de:
            var first10 = ""
            repeat {
                first10 = String(Int.random(in: 1...9, using: &random)) + digits(9, &random)
            } while Checksums.germanTaxIDCheckDigit(first10) == nil
            let id = first10 + String(Checksums.germanTaxIDCheckDigit(first10)!)
            let c = Array(id)
            return Bool.random(using: &random) ? id : "\(String(c[0..<2])) \(String(c[2..<5])) \(String(c[5..<8])) \(String(c[8..<11]))"
        }
    }

    // MARK: Secrets

    static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func randomString(_ count: Int, _ random: inout SeededRandom, from characters: [Character] = alphanumerics) -> String {
        String((0..<count).map { _ in characters.randomElement(using: &random)! })
    }

    static func password(_ random: inout SeededRandom) -> String {
        let word = pick(["Summer", "Bayern", "Paris", "Madrid", "sunshine", "Orbitask", "Welcome", "Dragon", "Hunter", "Barça", "Soleil"], &random)
        return pick(
            [
                "\(word)\(number(1...2026, &random))\(pick(["!", "#", "$", "?!", "*"], &random))",
                "\(word.lowercased())\(digits(2, &random))",
                randomString(Int.random(in: 10...16, using: &random), &random, from: alphanumerics + Array("!#$%&*+-=@^_")),
                "P@ssw0rd\(digits(2, &random))", "Tr0ub4dor&\(digits(1, &random))",
                "\(word)-\(pick(["Blue", "Cat", "Tree"], &random))-\(digits(3, &random))",
            ], &random)
    }

    /// A secret as written: the words before it (not labelled) and the value.
    static func secret(_ region: Region, _ random: inout SeededRandom) -> (lead: String, value: String) {
        let passwordLeads: [String] =
            switch region.language {
            case "de": ["Passwort: ", "mein Passwort ist ", "Kennwort: ", "das Passwort lautet ", "Passwort = ", "PW: "]
            case "fr": ["mot de passe : ", "mon mot de passe est ", "mdp: ", "Mot de passe: ", "mot de passe actuel : "]
            case "es": ["contraseña: ", "mi contraseña es ", "clave: ", "Contraseña = ", "la contraseña actual es "]
            default: ["password: ", "my password is ", "pwd=", "Password: ", "the password is ", "passcode: ", "pw: ", "new password - "]
            }
        let keyLeads: [String] =
            switch region.language {
            case "de": ["API-Schlüssel: ", "Token: ", "api_key=", "Schlüssel: "]
            case "fr": ["clé API : ", "token: ", "clé: ", "api_key="]
            case "es": ["clave API: ", "token: ", "clave de API: ", "api_key="]
            default: ["API key: ", "token: ", "api_key=", "secret: ", "access token: ", "client secret = "]
            }
        let header = Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8).base64URL
        let payload = Data(
            #"{"sub":"\#(digits(6, &random))","name":"\#(pick(firstNames[region]!, &random))","iat":\#(number(1_600_000_000...1_800_000_000, &random))}"#
                .utf8
        ).base64URL
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1, 2: return (pick(passwordLeads, &random), password(&random))
        case 3: return ("", "sk-" + pick(["", "proj-"], &random) + randomString(Int.random(in: 32...48, using: &random), &random))
        case 4: return ("", "ghp_" + randomString(36, &random))
        case 5: return ("", "AKIA" + randomString(16, &random, from: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")))
        case 6: return ("", header + "." + payload + "." + randomString(43, &random, from: alphanumerics + ["-", "_"]))
        case 7:
            return (
                pick(["Authorization: Bearer ", "Bearer ", "bearer "], &random),
                randomString(Int.random(in: 24...40, using: &random), &random, from: alphanumerics + ["-", "_"])
            )
        case 8: return ("", pick(["sk_live_", "sk_test_", "xoxb-"], &random) + randomString(24, &random))
        default: return (pick(keyLeads, &random), randomString(Int.random(in: 24...40, using: &random), &random))
        }
    }

    // MARK: Look-alikes

    static func lookAlike(_ kind: PersonalDataCorpus.LookAlikeKind, _ region: Region, _ random: inout SeededRandom) -> String {
        let year = number(2019...2026, &random), month = number(1...12, &random, width: 2), day = number(1...28, &random, width: 2)
        switch kind {
        case .orderNumber:
            return pick(
                [
                    "ORD-\(year)-\(digits(5, &random))", "ORD-\(digits(6, &random))", "PO-45\(digits(8, &random))",
                    "SO\(digits(7, &random))", "A-\(digits(6, &random))", "\(year)-\(digits(6, &random))",
                    "CMD-\(digits(5, &random))", "#\(digits(7, &random))", "ORB-ORD-\(digits(4, &random))",
                ], &random)
        case .errorCode:
            return pick(
                [
                    "ORB-SYNC-\(number(1...99, &random))", "ORB-AUTH-\(pick(["401", "403", "419"], &random))", "E\(digits(4, &random))",
                    "0x8007\(randomString(4, &random, from: Array("0123456789ABCDEF")))", "ERR_CONNECTION_RESET",
                    "HTTP \(pick(["500", "502", "503", "504", "429"], &random))", "code -\(number(1000...1200, &random))",
                    "SYNC_\(number(100...999, &random))", "E-\(digits(3, &random))-\(digits(2, &random))",
                ], &random)
        case .version:
            return pick(
                [
                    "v\(number(1...9, &random)).\(number(0...30, &random)).\(number(0...20, &random))", "10.0.\(number(17000...22631, &random))",
                    "\(number(1...5, &random)).\(number(0...20, &random))",
                    "version \(number(1...9, &random)).\(number(0...9, &random)).\(number(0...9, &random)).\(number(0...99, &random))",
                    "build \(number(1...9, &random)).\(number(0...9, &random)).\(number(0...9, &random)).\(number(1000...9999, &random))",
                    "iOS \(number(15...18, &random)).\(number(0...6, &random)).\(number(1...3, &random))",
                    "v\(number(2...4, &random)).0.0-beta.\(number(1...5, &random))",
                    "Android \(number(11...15, &random))",
                ], &random)
        case .amount:
            let whole = Int.random(in: 1...9_999, using: &random), cents = number(0...99, &random, width: 2)
            let thousands = whole >= 1000 ? "\(whole / 1000),\(String(format: "%03d", whole % 1000))" : String(whole)
            let dotted = whole >= 1000 ? "\(whole / 1000).\(String(format: "%03d", whole % 1000))" : String(whole)
            let spaced = whole >= 1000 ? "\(whole / 1000) \(String(format: "%03d", whole % 1000))" : String(whole)
            return pick(
                [
                    "€\(thousands).\(cents)", "$\(spaced)", "\(dotted),\(cents) €", "£\(thousands).\(cents)", "\(spaced),\(cents) EUR",
                    "USD \(thousands)", "$ \(thousands).\(cents)", "CHF \(whole).\(cents)", "\(whole) €", "\(spaced) \(cents)€",
                ], &random)
        case .date:
            return pick(
                [
                    "\(year)-\(month)-\(day)", "\(day).\(month).\(year)", "\(month)/\(day)/\(year)", "\(day)/\(month)/\(year)",
                    "\(year)/\(month)/\(day)", "\(year)-\(month)-\(day) \(number(0...23, &random, width: 2)):\(number(0...59, &random, width: 2))",
                    "\(year)-\(month)-\(day)T\(number(0...23, &random, width: 2)):\(number(0...59, &random, width: 2)):00Z",
                    "\(day)-\(month)-\(year)",
                ], &random)
        case .time:
            return pick(
                [
                    "\(number(0...23, &random, width: 2)):\(number(0...59, &random, width: 2))",
                    "\(number(0...23, &random, width: 2)):\(number(0...59, &random, width: 2)):\(number(0...59, &random, width: 2))",
                    "\(number(1...12, &random)):\(number(0...59, &random, width: 2)) \(pick(["am", "pm", "PM"], &random))",
                    "\(number(8...20, &random))h\(number(0...59, &random, width: 2))", "\(number(8...11, &random)):00–\(number(12...18, &random)):30",
                ], &random)
        case .ticketID:
            return pick(
                [
                    "T-\(digits(4, &random))", "ORB-\(number(10000...10999, &random))", "#\(digits(5, &random))", "INC00\(digits(5, &random))",
                    "CS-\(year)-\(digits(4, &random))", "ticket \(digits(5, &random))", "SR-\(digits(6, &random))", "case 00\(digits(6, &random))",
                ], &random)
        case .trackingNumber:
            return trackingNumber(&random)
        case .plainNumber:
            return pick(
                [
                    String(Int.random(in: 2...99, using: &random)), String(Int.random(in: 100...99_999, using: &random)),
                    digits(10, &random), "\(Int.random(in: 1...9, using: &random)) 000 000", "\(number(600_000_000...999_999_999, &random))",
                    "\(number(10...99, &random)) \(digits(3, &random))", String(Int.random(in: 1_000_000...99_999_999, using: &random)),
                ], &random)
        case .invalidChecksum:
            return invalidChecksum(region, &random)
        }
    }

    /// Tracking numbers: carrier formats, and card-length digit runs that fail Luhn.
    static func trackingNumber(_ random: inout SeededRandom) -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return "1Z" + randomString(6, &random, from: Array("0123456789ABCDEFGHJKLMNPRSTVWXYZ")) + digits(10, &random)
        case 1: return "\(digits(4, &random)) \(digits(4, &random)) \(digits(4, &random))"
        case 2: return "9400 \(digits(4, &random)) \(digits(4, &random)) \(digits(4, &random)) \(digits(4, &random)) \(digits(2, &random))"
        case 3: return "JJD" + digits(15, &random)
        default:
            var candidate = ""
            repeat {
                candidate = String(Int.random(in: 1...9, using: &random)) + digits(Int.random(in: 12...18, using: &random), &random)
            } while Checksums.luhn(candidate)
            guard Bool.random(using: &random) else { return candidate }
            let chars = Array(candidate)
            return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }.joined(separator: " ")
        }
    }

    /// An identifier's shape with the checksum or range wrong: an IBAN failing mod 97, an SSN of a range never
    /// issued, a DNI with the wrong letter.
    static func invalidChecksum(_ region: Region, _ random: inout SeededRandom) -> String {
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            var candidate = ""
            repeat { candidate = iban(region, &random) } while candidate.isEmpty
            // Change one digit of the account: mod 97 then fails.
            var chars = Array(candidate)
            let position = chars.indices.last { chars[$0].isNumber }!
            chars[position] = Character(String(((chars[position].wholeNumberValue ?? 0) + 1) % 10))
            return String(chars)
        case 1:
            return "\(pick(["000", "666", "9\(digits(2, &random))"], &random))-\(digits(2, &random))-\(digits(4, &random))"
        default:
            let n = number(10_000_000...99_999_999, &random)
            let right = Checksums.spanishIDLetter(n)!
            let wrong = "TRWAGMYFPDXBNJZSQVHLCKE".first { $0 != right }!
            return n + String(wrong)
        }
    }
}

extension Data {
    /// Base64url without padding (JWT segments).
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
