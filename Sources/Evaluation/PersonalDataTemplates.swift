import Privacy

/// The support-ticket sentences the personal-data corpus fills, by language; `{}` is the value's place.
enum Templates {
    static let greeting: [String: [String]] = [
        "en": ["Hi team,", "Hello,", "Good morning,", "Hi there,", "Dear support,"],
        "de": ["Hallo zusammen,", "Guten Tag,", "Hallo Support-Team,", "Sehr geehrte Damen und Herren,"],
        "fr": ["Bonjour,", "Bonjour à tous,", "Madame, Monsieur,", "Salut l'équipe,"],
        "es": ["Hola,", "Buenos días,", "Hola equipo,", "Estimados señores:"],
    ]

    static let filler: [String: [String]] = [
        "en": [
            "The desktop app keeps logging me out.", "Thanks in advance for your help.", "This is quite urgent for us.",
            "Sync stopped working after the last update.", "Please let me know what you need from me.",
        ],
        "de": [
            "Die Synchronisierung funktioniert seit gestern nicht mehr.", "Vielen Dank im Voraus.", "Es ist leider dringend.",
            "Die App stürzt beim Start ab.", "Bitte melden Sie sich bald.",
        ],
        "fr": [
            "L'application se ferme toute seule.", "Merci d'avance pour votre aide.", "C'est assez urgent.",
            "La synchronisation ne marche plus depuis la mise à jour.", "Dites-moi ce dont vous avez besoin.",
        ],
        "es": [
            "La aplicación se cierra sola.", "Gracias de antemano.", "Es bastante urgente.",
            "La sincronización dejó de funcionar tras la actualización.", "Decidme qué necesitáis de mi parte.",
        ],
    ]

    static let entity: [PersonalDataType: [String: [String]]] = [
        .email: [
            "en": [
                "Sarah Miller <{}> wrote:", "Reply-To: {}", "Please send the invoice to {} instead.",
                "My login is {} but the reset mail never arrives.",
                "You can reach me at {}.", "Contact: {}", "Can you change my account email to {}?",
                "The invite went to {} by mistake.", "cc {} on the reply please",
            ],
            "de": [
                "Von: Lukas Weber <{}>", "Bitte schicken Sie die Rechnung an {}.", "Meine Login-Adresse ist {}.", "Erreichbar bin ich unter {}.",
                "Kontakt: {}", "Die Einladung ging an {} statt an mich.", "Bitte ändern Sie meine E-Mail auf {}.",
            ],
            "fr": [
                "De : Emma Dubois <{}>", "Merci d'envoyer la facture à {}.", "Mon identifiant est {} mais je ne reçois rien.",
                "Vous pouvez m'écrire à {}.",
                "Contact : {}", "L'invitation est partie vers {} par erreur.", "Pouvez-vous remplacer mon adresse par {} ?",
            ],
            "es": [
                "De: Lucía García <{}>", "Enviad la factura a {}, por favor.", "Mi usuario es {} pero no llega el correo.", "Podéis escribirme a {}.",
                "Contacto: {}", "La invitación se fue a {} por error.", "¿Podéis cambiar mi correo a {}?",
            ],
        ],
        .phone: [
            "en": [
                "Best regards, Sarah Miller | {}", "Sarah Miller, Head of Ops, {}", "Please call me back on {}.", "My mobile number is {}.",
                "You can reach me at {} after 5pm.",
                "Phone: {}", "Our office line {} is where to call.", "Text me on {} when it's fixed.",
                "The number on the account, {}, is outdated.",
            ],
            "de": [
                "Mit freundlichen Grüßen, Lukas Weber, {}", "Bitte rufen Sie mich unter {} zurück.", "Meine Handynummer ist {}.",
                "Erreichbar bin ich tagsüber unter {}.",
                "Tel.: {}", "Unsere Zentrale {} ist von 8 bis 17 Uhr besetzt.", "Die hinterlegte Nummer {} stimmt nicht mehr.",
            ],
            "fr": [
                "Cordialement, Emma Dubois – {}", "Merci de me rappeler au {}.", "Mon numéro de portable est le {}.",
                "Vous pouvez me joindre au {} le matin.",
                "Tél : {}", "Le standard {} ne répond jamais.", "Le numéro du compte, {}, n'est plus valable.",
            ],
            "es": [
                "Un saludo, Lucía García / {}", "Llamadme al {}, por favor.", "Mi móvil es el {}.", "Podéis contactarme en el {} por las tardes.",
                "Tel.: {}", "La centralita {} no contesta.", "El número de la cuenta, {}, ya no es válido.",
            ],
        ],
        .card: [
            "en": [
                "I was charged twice on card {}.", "The card ending in the number {} was declined.", "Please refund to {}.",
                "Card: {} exp 09/27", "I paid with {} and got no receipt.", "{} is the one that was charged.",
            ],
            "de": [
                "Meine Karte {} wurde doppelt belastet.", "Die Zahlung mit {} wurde abgelehnt.", "Bitte erstatten Sie auf {}.",
                "Karte: {} gültig bis 09/27", "Ich habe mit {} bezahlt.",
            ],
            "fr": [
                "Ma carte {} a été débitée deux fois.", "Le paiement avec la carte {} a été refusé.", "Remboursez sur {} svp.",
                "Carte : {} exp. 09/27", "J'ai payé avec {} sans recevoir de reçu.",
            ],
            "es": [
                "Me cobraron dos veces en la tarjeta {}.", "El pago con {} fue rechazado.", "Devolvedlo a la tarjeta {}.",
                "Tarjeta: {} cad. 09/27", "Pagué con {} y no recibí el justificante.",
            ],
        ],
        .iban: [
            "en": [
                "Please refund to my account {}.", "Our IBAN is {} for the direct debit.", "Bank details: {}",
                "The transfer came from {}.",
            ],
            "de": ["Bitte überweisen Sie auf {}.", "Unsere IBAN lautet {}.", "Bankverbindung: {}", "Die Lastschrift lief über {}."],
            "fr": ["Merci de rembourser sur le compte {}.", "Notre IBAN est {}.", "Coordonnées bancaires : {}", "Le virement venait de {}."],
            "es": ["Devolved el importe a la cuenta {}.", "Nuestro IBAN es {}.", "Datos bancarios: {}", "La transferencia salió de {}."],
        ],
        .ipAddress: [
            "en": [
                "I'm blocked when connecting from {}.", "Our office IP is {}, please whitelist it.", "The server at {} refuses the sync.",
                "Login attempts came from {} last night.",
            ],
            "de": [
                "Von {} aus werde ich blockiert.", "Unsere Büro-IP ist {}, bitte freischalten.", "Der Server unter {} lehnt ab.",
                "Die Anmeldeversuche kamen von {}.",
            ],
            "fr": [
                "Je suis bloqué depuis {}.", "L'IP du bureau est {}, merci de l'autoriser.", "Le serveur {} refuse la connexion.",
                "Les tentatives venaient de {}.",
            ],
            "es": [
                "Me bloquea cuando entro desde {}.", "La IP de la oficina es {}, añadidla a la lista.", "El servidor {} rechaza la conexión.",
                "Los intentos de acceso venían de {}.",
            ],
        ],
        .address: [
            "en": [
                "Sarah Miller, {}", "Please ship the replacement to {}.", "Our billing address is {}.", "The invoice still shows {}.",
                "Send the hardware key to {} please.",
            ],
            "de": [
                "Firma Weber GmbH, {}", "Bitte schicken Sie den Ersatz an {}.", "Unsere Rechnungsadresse ist {}.", "Auf der Rechnung steht noch {}.",
                "Lieferadresse: {}",
            ],
            "fr": [
                "Merci d'envoyer le remplacement au {}.", "Notre adresse de facturation est {}.", "La facture indique encore {}.",
                "Adresse de livraison : {}",
            ],
            "es": [
                "Enviad el repuesto a {}, por favor.", "Nuestra dirección de facturación es {}.", "En la factura sigue saliendo {}.",
                "Dirección de envío: {}",
            ],
        ],
        .nationalID: [
            "en": [
                "For verification, my ID number is {}.", "The form asked for {} and then failed.", "Tax ID on file: {}",
                "I entered {} in the identity field.",
            ],
            "de": [
                "Meine Steuer-ID {} wurde nicht akzeptiert.", "Steuer-ID: {}", "Im Formular steht Steuer-ID {}.",
                "Zur Prüfung, Steuer-ID ist {}.",
            ],
            "fr": [
                "Pour vérification, mon numéro est {}.", "J'ai saisi {} dans le champ identité.", "N° de sécurité sociale : {}",
                "Le formulaire refuse {}.",
            ],
            "es": [
                "Para la verificación, mi documento es {}.", "He puesto {} en el campo de identidad.", "DNI/NIE: {}",
                "El formulario no acepta {}.",
            ],
        ],
        .secret: [
            "en": [
                "I know I shouldn't, but {} so you can check.", "Our integration uses {} and it stopped working.",
                "Here it is: {}", "Config line: {}", "It fails with {} since Monday.",
            ],
            "de": [
                "Ich weiß, man soll das nicht, aber {} zum Testen.", "Unsere Integration nutzt {} und geht nicht mehr.",
                "Hier: {}", "In der Konfiguration steht {}.",
            ],
            "fr": [
                "Je sais que ce n'est pas prudent, mais {} pour tester.", "Notre intégration utilise {} et ne marche plus.",
                "Voici : {}", "Dans la config : {}",
            ],
            "es": [
                "Sé que no debería, pero {} para que lo probéis.", "Nuestra integración usa {} y ha dejado de funcionar.",
                "Aquí está: {}", "En la configuración pone {}",
            ],
        ],
    ]

    static let lookAlike: [PersonalDataCorpus.LookAlikeKind: [String: [String]]] = [
        .orderNumber: [
            "en": ["My order {} still hasn't arrived.", "Order {} was cancelled without notice.", "Re: order {}"],
            "de": ["Meine Bestellung {} ist nicht angekommen.", "Bestellnummer: {}", "Die Bestellung {} wurde storniert."],
            "fr": ["Ma commande {} n'est jamais arrivée.", "Commande n° {}", "La commande {} a été annulée."],
            "es": ["Mi pedido {} no ha llegado.", "Número de pedido: {}", "El pedido {} se canceló."],
        ],
        .errorCode: [
            "en": ["The app shows error {} on start.", "Sync fails with {} every time.", "I get {} when I save."],
            "de": ["Die App zeigt den Fehler {} an.", "Die Synchronisierung bricht mit {} ab.", "Beim Speichern kommt {}."],
            "fr": ["L'application affiche l'erreur {}.", "La synchro échoue avec {}.", "J'obtiens {} en enregistrant."],
            "es": ["La aplicación muestra el error {}.", "La sincronización falla con {}.", "Al guardar sale {}."],
        ],
        .version: [
            "en": ["I'm on {} of the desktop app.", "This started after updating to {}.", "Windows build: {}"],
            "de": ["Ich nutze {} der Desktop-App.", "Seit dem Update auf {} geht es nicht.", "Windows-Build: {}"],
            "fr": ["J'utilise la {} de l'application.", "Depuis la mise à jour {} ça ne marche plus.", "Build Windows : {}"],
            "es": ["Uso la {} de la aplicación.", "Empezó tras actualizar a {}.", "Build de Windows: {}"],
        ],
        .amount: [
            "en": ["I was billed {} instead of the quoted price.", "The refund of {} never showed up.", "Total due: {}"],
            "de": ["Mir wurden {} statt des Angebotspreises berechnet.", "Die Erstattung über {} kam nie an.", "Gesamtbetrag: {}"],
            "fr": ["On m'a facturé {} au lieu du prix annoncé.", "Le remboursement de {} n'est jamais arrivé.", "Total : {}"],
            "es": ["Me cobraron {} en lugar del precio acordado.", "El reembolso de {} nunca llegó.", "Importe total: {}"],
        ],
        .date: [
            "en": ["It has been failing since {}.", "The renewal on {} was charged twice.", "Last working sync: {}"],
            "de": ["Seit dem {} funktioniert es nicht.", "Die Verlängerung am {} wurde doppelt abgebucht.", "Letzte Synchronisierung: {}"],
            "fr": ["Ça ne marche plus depuis le {}.", "Le renouvellement du {} a été débité deux fois.", "Dernière synchro : {}"],
            "es": ["Falla desde el {}.", "La renovación del {} se cobró dos veces.", "Última sincronización: {}"],
        ],
        .time: [
            "en": ["The outage started at {} our time.", "Our team works {} and can't wait.", "Sync runs at {} and fails."],
            "de": ["Der Ausfall begann um {}.", "Wir arbeiten {} und brauchen es heute.", "Der Abgleich läuft um {} und scheitert."],
            "fr": ["La panne a commencé à {}.", "Nous travaillons {} et c'est bloquant.", "La synchro tourne à {} et échoue."],
            "es": ["La caída empezó a las {}.", "Trabajamos {} y no podemos esperar.", "La sincronización corre a las {} y falla."],
        ],
        .ticketID: [
            "en": ["This is a follow-up to {}.", "Same problem as in {} last month.", "Re: {}"],
            "de": ["Das ist eine Rückfrage zu {}.", "Gleiches Problem wie in {}.", "AW: {}"],
            "fr": ["C'est la suite de {}.", "Même problème que dans {}.", "RE : {}"],
            "es": ["Es continuación de {}.", "El mismo problema que en {}.", "RE: {}"],
        ],
        .trackingNumber: [
            "en": ["The courier's tracking number {} shows no movement.", "Tracking: {}", "Parcel {} is stuck in customs."],
            "de": ["Die Sendungsnummer {} zeigt keinen Fortschritt.", "Sendungsverfolgung: {}", "Das Paket {} hängt im Zoll."],
            "fr": ["Le numéro de suivi {} ne bouge plus.", "Suivi : {}", "Le colis {} est bloqué en douane."],
            "es": ["El número de seguimiento {} no avanza.", "Seguimiento: {}", "El paquete {} está retenido en aduanas."],
        ],
        .plainNumber: [
            "en": ["We have {} seats on the plan.", "The import stopped after {} rows.", "About {} tasks are missing."],
            "de": ["Wir haben {} Lizenzen.", "Der Import brach nach {} Zeilen ab.", "Etwa {} Aufgaben fehlen."],
            "fr": ["Nous avons {} licences.", "L'import s'arrête après {} lignes.", "Environ {} tâches ont disparu."],
            "es": ["Tenemos {} licencias.", "La importación se paró tras {} filas.", "Faltan unas {} tareas."],
        ],
        .invalidChecksum: [
            "en": [
                "The reference {} on the statement means nothing to me.", "Your form rejected {} as invalid, rightly I think.",
                "Reference: {}",
            ],
            "de": ["Die Referenz {} auf dem Auszug kenne ich nicht.", "Das Formular lehnt {} als ungültig ab.", "Referenz: {}"],
            "fr": ["La référence {} sur le relevé ne me dit rien.", "Le formulaire refuse {} comme invalide.", "Référence : {}"],
            "es": ["La referencia {} del extracto no me suena.", "El formulario rechaza {} por no válido.", "Referencia: {}"],
        ],
    ]
}
