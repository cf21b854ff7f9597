#!/usr/bin/env python3
"""Writes the demo tickets of the fictional product Orbitask (demo/tickets.jsonl, demo/tickets.csv,
demo/tickets.mapping.json, demo/bad_tickets.csv). Deterministic: the same files on every run.

Each scenario is a customer problem written by hand with several phrasings; the generator assigns
customers, channels, dates, statuses and (for resolved tickets) the agent's reply, which follows the KB."""
import csv, json, random
from datetime import datetime, timedelta, timezone

R = random.Random(20261122)

# (category, priority, subjects, bodies, resolution or None)
S = [
 ("Account & Access","P3",["Password reset email never arrives","Can't reset my password","reset link not coming"],
  ["I clicked Forgot password three times and no email came. Checked spam too. My email is the one on this ticket.",
   "Trying to reset my password since this morning, the page now says ORB-429. What do I do?",
   "hi, the reset mail doesnt show up. we use outlook with strict filtering if that matters"],
  "Reset emails come from no-reply@orbitask.example, so please ask your IT team to allow that address; requests are limited to 3 per hour, which is why you saw ORB-429. Wait an hour, request one new link and use it within 60 minutes."),
 ("Account & Access","P2",["Lost phone, locked out by 2FA","New phone - 2FA codes don't work","Can't log in, authenticator gone"],
  ["I got a new phone and didn't move my authenticator. Now I can't log in at all. I have a client deadline today.",
   "My 2FA codes are always rejected since yesterday. I type them quickly, still 'invalid code'.",
   "Phone was stolen over the weekend, I need to get into Orbitask and I don't have the recovery codes."],
  "You can sign in with one of your 10 recovery codes and set up 2FA again under Profile → Security. Without codes, a workspace admin can reset your 2FA from Admin → Members; rejected codes are usually a phone clock problem, so turn on automatic time."),
 ("Account & Access","P1",["SSO broken for entire company","Nobody can sign in - ORB-SSO-01","URGENT: SAML login fails for all users"],
  ["Since 08:10 CET every user gets ORB-SSO-01 Invalid signature when signing in through Okta. 140 people are blocked.",
   "All our staff are locked out. Azure AD login to Orbitask returns an invalid signature error. We rotated certificates last night.",
   "SSO stopped working for the whole workspace this morning. Error ORB-SSO-01. Please help asap, our sprint planning is today."],
  "ORB-SSO-01 means the identity provider's signing certificate changed. Upload the new IdP metadata under Admin → Security → Single sign-on and run Test sign-in; owners can use the break-glass link meanwhile."),
 ("Account & Access","P3",["New hire can't sign in with SSO","ORB-SSO-02 for one user"],
  ["One of our new employees gets ORB-SSO-02 User not provisioned. Everyone else is fine.",
   "A colleague who joined Monday can't get in through SSO, error says not provisioned."],
  "ORB-SSO-02 means the person is not assigned to the Orbitask app in your identity provider yet, or SCIM has not run. Assign them in the IdP and they can sign in within a few minutes."),
 ("Account & Access","P3",["How do I transfer workspace ownership?","Owner leaving the company"],
  ["Our current owner is leaving next week. How do we move ownership to me? I'm an admin.",
   "Need to change the owner of our workspace before our CTO leaves."],
  "Only the current owner can transfer ownership, from Admin → Settings → Transfer ownership; the new owner must already be an admin and accept by email within 48 hours."),
 ("Account & Access","P4",["Change my login email","Update email address"],
  ["I changed my name and my company email changed with it. How do I update the email I log in with?",
   "Can I switch my account to my new address? The old one still works for now."],
  "Go to Profile → Account → Email, enter the new address and your password, and open the confirmation link we send (valid 24 hours)."),
 ("Account & Access","P1",["Someone logged into my account","Account compromised?","Suspicious login from another country"],
  ["I got an email about a sign-in from a country I've never been to and some of my tasks were deleted. I think my account was hacked.",
   "There are sessions in my account I don't recognise and an API token I never created."],
  "Please reset your password, use Sign out everywhere under Profile → Security → Sessions, and revoke unknown API tokens. We have opened a security investigation and restored the deleted tasks from history."),
 ("Account & Access","P3",["Invite link expired","Invitation not working"],
  ["I was invited to our team's workspace but the link says it expired.",
   "The invitation email link leads to an error page."],
  "Invitations expire after 7 days; ask a workspace admin to resend it from the pending list in Admin → Members."),
 ("Billing","P2",["Charged twice this month","Double charge on my card","Duplicate payment INV-2026-00{n}"],
  ["I see two charges of ${amt} on my card statement for the same month. Please refund one.",
   "We were billed twice for October, invoice numbers INV-2026-00{n} and INV-2026-00{m}. Need this fixed before our finance close.",
   "why did you charge me 2 times??? i only have one workspace"],
  "We confirmed a duplicate charge and refunded it in full; it takes 5–10 business days to appear. If one of the two was a $1 card authorisation, it disappears on its own within 3–5 days."),
 ("Billing","P3",["Need VAT number on invoice","Invoice with company details","Reissue invoice with our address"],
  ["Our accounting needs our VAT ID on the invoices. Can you add it to the last three?",
   "Please put our legal company name on invoice INV-2026-00{n}, it shows my personal name.",
   "Where do I download invoices as PDF? And can they show our tax id?"],
  "Add the company name, address and VAT ID under Admin → Billing → Billing details, then use … → Regenerate next to each invoice (up to 12 months old)."),
 ("Billing","P2",["Payment failed, workspace read-only","ORB-402 can't edit anything","Card declined on renewal"],
  ["Our workspace suddenly became read-only with ORB-402. I think the card expired.",
   "Renewal failed and the team can't edit tasks. I updated the card but it's still read only.",
   "The bank declined your charge, apparently because it's international. What now?"],
  "Update the card in Admin → Billing → Payment method and choose Retry payment; the workspace is editable again as soon as the open invoice is paid. For international declines, ask the bank to allow ORBITASK LTD."),
 ("Billing","P3",["Refund for annual plan","Cancel and get money back","Refund request"],
  ["We bought the annual Business plan 10 days ago but it isn't a fit. Can we get a refund?",
   "I cancelled my monthly plan, can I get a refund for the rest of the month?",
   "Bought the wrong plan (annual instead of monthly) yesterday, please refund."],
  "Annual plans get a prorated refund within the first 30 days, so we have refunded the unused part; monthly plans are not refunded for partial months but keep paid features until the period ends."),
 ("Billing","P4",["Difference between Team and Business","Which plan has SSO?","Pricing question"],
  ["We're 12 people. What's the difference between Team and Business? We need SSO and an audit log.",
   "Do guests count as paid seats?",
   "Is there a discount for nonprofits?"],
  "SSO and the audit log are in Business ($19 per member monthly, $15 annually); guests are free on every plan, and nonprofits get 50% off Team and Business."),
 ("Billing","P3",["Extra charge after adding members","Why is my invoice higher?"],
  ["This month's invoice is higher than usual, we didn't change plans.",
   "We added 3 people mid-month and got an extra charge, is that right?"],
  "Members added mid-period are charged a prorated amount for the rest of the period, which is the extra line on this invoice; Admin → Billing → Upcoming invoice shows the next charges."),
 ("Billing","P4",["Can we pay by bank transfer?","Invoice payment terms"],
  ["Our procurement only pays by bank transfer with 30 day terms. Is that possible?",
   "Can we switch from card to invoice billing for our annual renewal?"],
  "Annual Business and Enterprise plans over $3,000 can pay by bank transfer with 30-day terms; we've switched your workspace."),
 ("Technical","P1",["Orbitask down - ORB-503","Service unavailable for everyone","Outage? Nothing loads"],
  ["Whole team gets ORB-503 Service temporarily unavailable since 14:05 UTC. Status page shows green.",
   "Nothing loads, web and desktop both fail. We are in the EU region. Is there an outage?",
   "ORB-503 on every page. This blocks 60 people, please treat as urgent."],
  "There was an incident in the EU region between 14:02 and 14:51 UTC; it is resolved and the post-incident report will follow. Offline changes made in the apps have synced."),
 ("Technical","P3",["Upload fails for large files","ORB-413 file too large","Attachment stuck at 99%"],
  ["Trying to attach a 300 MB video to a task, it fails with ORB-413.",
   "Uploads hang at 99% and then fail. Small files work.",
   "Can't upload a 40MB PDF on the free plan?"],
  "ORB-413 means the file is over your plan's limit (10 MB Free, 250 MB Team, 2 GB Business). Uploads stuck at 99% are usually a proxy inspecting them; ask IT to allow files.orbitask.example."),
 ("Technical","P3",["CSV export has broken characters","Export to Excel looks wrong","PDF export fails ORB-500"],
  ["Exported my project to CSV and all the accented names look like garbage in Excel.",
   "PDF export keeps failing with ORB-500 on our biggest project.",
   "Dates in the CSV export are one day off."],
  "The CSV is UTF-8: open it through Data → From Text/CSV and choose UTF-8. PDF export is limited to 2,000 tasks per view, so filter first or use CSV; date shifts come from the time zone in Profile → Preferences."),
 ("Technical","P3",["Not getting email notifications","Notifications stopped","No push notifications"],
  ["I stopped getting emails when I'm assigned tasks.",
   "Our whole team stopped receiving notification emails yesterday.",
   "Push notifications on my phone don't come anymore."],
  "Check Profile → Notifications and turn off the hourly digest for immediate emails; ask IT to allow notifications@orbitask.example. For push, allow notifications in the phone settings and disable battery optimisation for the app."),
 ("Technical","P3",["App very slow on big board","Web app laggy"],
  ["The board with ~1500 tasks takes forever to load in Chrome.",
   "Typing in task descriptions lags a lot since last week."],
  "Boards with over 1,000 open tasks render slowly, so use filters or the list view; extensions that rewrite pages can slow the editor, so try a private window."),
 ("Technical","P4",["Recurring task created twice","Reminder at wrong time"],
  ["My weekly recurring task shows up twice every Monday.",
   "Reminders come at 3am instead of 9am."],
  "Reminders use the time zone in Profile → Preferences, which was set to UTC; duplicates came from two recurrences on the same task, which we merged."),
 ("Technical","P2",["Tasks disappeared from project","Data missing after edit"],
  ["Half the tasks in our Q4 project are gone. Nobody deleted them as far as I know.",
   "After a teammate moved columns, about 40 tasks vanished."],
  "The tasks were archived by a bulk action; we restored them from the project history and you can see who did it in the audit log."),
 ("Integrations","P3",["Slack notifications stopped","Slack integration not posting"],
  ["Our #releases channel stopped getting Orbitask updates on Friday.",
   "Slack says not_in_channel when creating tasks from messages."],
  "The Slack app was removed from the channel; reconnect from the project's integration settings and invite @Orbitask to private channels."),
 ("Integrations","P3",["GitHub PRs not linking","ORB-INT-403 GitHub"],
  ["Pull requests with the task key in the title are not linked anymore.",
   "Installing the GitHub integration fails with ORB-INT-403."],
  "Your GitHub organisation requires approval for third-party apps: an org owner must approve Orbitask, and the repository must be included in the installation."),
 ("Integrations","P4",["Google Calendar duplicates","Calendar sync stopped"],
  ["All my due dates appear twice in Google Calendar.",
   "Calendar sync stopped after I changed my Google password."],
  "Duplicates come from the same project being synced twice, so disconnect one; after a Google password change, reconnect Google Calendar because Google revokes the token."),
 ("Integrations","P2",["API returns 429","Rate limited by API","Webhooks disabled"],
  ["Our nightly sync script gets 429 Too Many Requests from the API.",
   "Our webhook was disabled and we missed a day of events.",
   "We hit rate limits when importing 5k tasks through the API."],
  "The API allows 100 requests per minute per token and 1,000 per workspace; honour the Retry-After header. Webhooks are disabled after 50 consecutive failures, so fix the endpoint and re-enable it."),
 ("Integrations","P3",["Jira import incomplete","Import from Trello"],
  ["The Jira import finished but attachments over 250MB are missing.",
   "How do I bring our Trello boards into Orbitask?"],
  "Attachments above your plan's file limit are skipped by the Jira importer; Trello boards can be imported from a JSON export under Admin → Import → Trello."),
 ("Integrations","P4",["Zapier zap stopped with 401"],
  ["Our Zap that creates tasks from form submissions fails with 401 Unauthorized since last week."],
  "The Zap used the token of a member who was deactivated; reconnect it with a service token from Admin → Integrations → API."),
 ("Data & Privacy","P3",["Export all our data","Full backup of workspace"],
  ["We need a full export of the workspace for our records before renewing.",
   "How can I back up everything, including attachments?"],
  "Owners and admins can export everything from Admin → Data → Export workspace; we email a ZIP link valid for 7 days."),
 ("Data & Privacy","P2",["GDPR deletion request","Delete my personal data"],
  ["Under GDPR I request deletion of all my personal data.",
   "I left the company; please erase my account and data."],
  "You can delete your account from Profile → Privacy; for content in your former employer's workspace we have forwarded the request to its owners, who are the controller."),
 ("Data & Privacy","P3",["Where is our data stored?","Move workspace to EU region"],
  ["Our legal team asks where our data is hosted.",
   "We're on the US region but need EU data residency now."],
  "Your workspace is in the region shown under Admin → Settings → Data region; Enterprise workspaces can move regions once a year with up to 72 hours read-only."),
 ("Data & Privacy","P4",["Need DPA and SOC 2 report","Security questionnaire"],
  ["Can you send your DPA and SOC 2 Type II report?",
   "Our vendor review needs a completed security questionnaire."],
  "The pre-signed DPA is in Admin → Legal; the SOC 2 report is available under NDA in Admin → Legal → Trust documents."),
 ("Data & Privacy","P1",["Data breach? Files visible to outsiders","Private project exposed"],
  ["A customer told us they could open one of our private project links without being a member.",
   "Confidential files showed up for a guest who should not see them."],
  "We investigated as a security incident: the links were shared with a guest by a project admin, not exposed publicly; we revoked access and sent the audit log of who opened what."),
 ("Mobile & Desktop","P2",["Desktop app not syncing after update","Stuck on 'Waiting to sync'","ORB-SYNC-17 on desktop 5.2"],
  ["Since updating the desktop app to 5.2.0 it says Waiting to sync forever after my laptop wakes up.",
   "Desktop stopped syncing, error ORB-SYNC-17. Are my offline changes lost??",
   "Windows app 5.2 doesn't sync anymore, colleagues on web don't see my updates.",
   "mac desktop app stuck waiting to sync since this morning, version 5.2.0"],
  "This is a known issue in desktop 5.2.0: update to 5.2.1 from Help → Check for updates, or quit and restart the app. Your changes are kept locally, so don't use Reset local data."),
 ("Mobile & Desktop","P3",["Desktop app won't start","App crashes on launch"],
  ["After the update the Windows app shows a white window and closes.",
   "Orbitask for Linux crashes on start since today."],
  "Quit all Orbitask processes and start again; if it still fails, reinstall over the existing version (local data is kept) and send us the log from Help → Open logs folder."),
 ("Mobile & Desktop","P3",["Mobile stuck on syncing","Offline changes not uploaded"],
  ["The Android app has been 'Syncing' for two days.",
   "I edited tasks offline on my iPhone on a flight and they never showed up on the web."],
  "Pull to refresh, allow background data, and turn off battery optimisation for Orbitask; pending offline changes then upload."),
 ("Mobile & Desktop","P3",["Can't log in on mobile with SSO","Mobile login loop"],
  ["On my iPhone the SSO login opens the browser and never comes back to the app.",
   "Android app keeps asking me to sign in again, ORB-401."],
  "Allow Orbitask to open links by default so the browser returns to the app after SSO; ORB-401 after a password change just needs a fresh sign-in."),
 ("Feature Request","P4",["Dark mode please","Feature request: dark theme"],
  ["Would love a dark mode in the desktop app.",
   "Any plans for a dark theme? My eyes hurt at night."], None),
 ("Feature Request","P4",["Gantt chart view","Timeline with dependencies"],
  ["We need a Gantt/timeline view with dependencies to replace our old tool.",
   "Please add task dependencies to the timeline."], None),
 ("Feature Request","P4",["Markdown in comments","Support tables in descriptions"],
  ["It would be nice if comments supported markdown.",
   "Can task descriptions support tables?"], None),
 ("Feature Request","P4",["Bulk edit custom fields","Bulk change assignee"],
  ["Let us change a custom field on 200 tasks at once please.",
   "Bulk reassigning tasks when someone leaves is painful."], None),
 ("Feature Request","P4",["Time tracking","Estimate vs actual hours"],
  ["Do you plan built-in time tracking?",
   "We'd like estimates and actual hours on tasks."], None),
 ("General Inquiry","P4",["Support hours?","Do you have phone support?"],
  ["What are your support hours for the Team plan?",
   "Is there a phone number we can call?"],
  "Support answers by email and chat 24 hours on weekdays; Business gets priority support and Enterprise a dedicated manager."),
 ("General Inquiry","P4",["Do you offer training?","Onboarding session for our team"],
  ["We're rolling Orbitask out to 80 people, do you offer onboarding?",
   "Are there webinars or training videos?"],
  "We run free weekly onboarding webinars, and Enterprise customers get a tailored onboarding session with their account manager."),
 ("General Inquiry","P4",["Is there an API?","Partner program"],
  ["Does Orbitask have a public API we can build on?",
   "How do we become a reseller partner?"],
  "Yes, the REST API v2 is documented at api.orbitask.example with personal and service tokens; for partnerships we've passed your details to our partner team."),
]

# A few tickets in other languages (category, priority, subject, body, resolution or None)
L = [
 ("es","Billing","P2","Cobro duplicado","Hola, me han cobrado dos veces la suscripción de este mes. ¿Pueden devolverme uno de los cargos?","Hemos confirmado el cobro duplicado y lo hemos reembolsado; tardará de 5 a 10 días hábiles en aparecer."),
 ("es","Account & Access","P3","No llega el correo para restablecer la contraseña","Pedí restablecer mi contraseña tres veces y no recibo ningún correo.","Los correos salen de no-reply@orbitask.example; pida a su equipo de TI que lo permita y espere una hora tras el error ORB-429."),
 ("es","Mobile & Desktop","P2","La app de escritorio no sincroniza","Desde la versión 5.2.0 la aplicación de escritorio se queda en 'Esperando para sincronizar'.","Es un problema conocido de la versión 5.2.0: actualice a 5.2.1 desde Ayuda → Buscar actualizaciones."),
 ("de","Technical","P1","Orbitask nicht erreichbar","Seit 9 Uhr bekommt unser ganzes Team den Fehler ORB-503. Wir sind in der EU-Region.","Es gab eine Störung in der EU-Region; sie ist behoben und Offline-Änderungen wurden synchronisiert."),
 ("de","Billing","P3","Rechnung mit USt-IdNr.","Bitte tragen Sie unsere USt-IdNr. auf den Rechnungen der letzten drei Monate ein.","Tragen Sie die USt-IdNr. unter Admin → Billing → Billing details ein und erzeugen Sie die Rechnungen mit … → Regenerate neu."),
 ("de","Data & Privacy","P2","Löschung meiner Daten nach DSGVO","Ich bitte um Löschung meiner personenbezogenen Daten gemäß Art. 17 DSGVO.",None),
 ("fr","Account & Access","P2","Téléphone perdu, double authentification","J'ai perdu mon téléphone et je ne peux plus me connecter à cause de la double authentification.","Connectez-vous avec un code de récupération, puis reconfigurez la double authentification dans Profil → Sécurité."),
 ("fr","Integrations","P3","Slack ne reçoit plus les notifications","Notre canal Slack ne reçoit plus les mises à jour d'Orbitask depuis vendredi.","L'application Slack a été retirée du canal : reconnectez-la depuis les réglages d'intégration du projet."),
 ("fr","Feature Request","P4","Mode sombre","Pourriez-vous ajouter un mode sombre à l'application de bureau ?",None),
 ("ja","Mobile & Desktop","P2","デスクトップアプリが同期しない","バージョン5.2.0に更新してから、スリープ後に同期が止まります。","バージョン5.2.0の既知の不具合です。ヘルプ → アップデートを確認 から5.2.1に更新してください。"),
 ("ja","Billing","P3","請求書の宛名変更","請求書の宛名を会社名に変更したいです。","Admin → Billing → Billing details で会社名を入力し、請求書を再発行してください。"),
 ("ja","General Inquiry","P4","サポート時間について","サポートの対応時間を教えてください。",None),
]

OPENERS = ["", "", "", "Hello, ", "Hi team, ", "Hi, ", "Good morning. ", "Hey, "]
CLOSERS = ["", "", "", " Thanks.", " Thank you!", " Thanks in advance.", " Please advise.", " Cheers"]
FIRST = ["anna","ben","carla","dev","eli","fatima","george","hana","ivan","julia","kofi","lena","marco","nina","omar","priya","quinn","rosa","sam","tariq","uma","victor","wen","yusuf","zoe"]
DOMAINS = ["example.com","example.org","example.net"]
CHANNELS = ["email","email","web","web","chat","phone"]

start = datetime(2026, 8, 1, tzinfo=timezone.utc)
end = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)

def when(rising=False):
    if rising:  # the desktop 5.2.0 sync bug: November
        base = datetime(2026, 11, 3, tzinfo=timezone.utc)
        return base + timedelta(seconds=R.randint(0, int((end - base).total_seconds())))
    return start + timedelta(seconds=R.randint(0, int((end - start).total_seconds())))

def fill(text):
    return text.replace("{n}", str(R.randint(1000, 9999))).replace("{m}", str(R.randint(1000, 9999))).replace("{amt}", R.choice(["49.99","120.00","19.00","380.00"]))

def typo(text):
    if R.random() < 0.15 and len(text) > 30:
        i = R.randint(5, len(text) - 5)
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text

def ticket(n, cat, pri, subject, body, resolution, lang="en", rising=False):
    created = when(rising)
    resolved = resolution is not None and R.random() < 0.72 and created < end - timedelta(hours=6)
    status = (R.choice(["resolved", "resolved", "closed"]) if resolved else R.choice(["open", "open", "pending"]))
    resolved_at = created + timedelta(hours=R.choice([1, 2, 3, 5, 8, 20, 30, 52])) if resolved else None
    if resolved_at and resolved_at > end: resolved_at = end
    # urgency drifts a little around the scenario's usual priority, never away from P1
    if pri != "P1" and R.random() < 0.2:
        pri = R.choice(["P2", "P3", "P4"])
    who = R.choice(FIRST)
    return {
        "ticket_id": f"ORB-{n}", "subject": subject, "body": body,
        "customer": f"{who}.{R.choice(['k','m','s','t','w'])}{R.randint(1,99)}@{R.choice(DOMAINS)}",
        "channel": R.choice(CHANNELS), "language": lang, "category": cat, "priority": pri, "status": status,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resolved_at": resolved_at.strftime("%Y-%m-%dT%H:%M:%SZ") if resolved_at else None,
        "resolution": resolution if resolved else None,
    }

tickets = []
n = 10001
for cat, pri, subjects, bodies, resolution in S:
    rising = "5.2" in " ".join(subjects + bodies)
    copies = 8 if rising else (6 if pri in ("P1",) else 5)
    for i in range(copies):
        body = fill(R.choice(OPENERS) + typo(bodies[i % len(bodies)]) + R.choice(CLOSERS)).strip()
        tickets.append(ticket(n, cat, pri, fill(subjects[i % len(subjects)]), body, resolution, rising=rising and i > 1))
        n += 1
for lang, cat, pri, subject, body, resolution in L:
    tickets.append(ticket(n, cat, pri, subject, body, resolution, lang=lang, rising="5.2" in body))
    n += 1
R.shuffle(tickets)
with open("demo/tickets.jsonl", "w") as f:
    for t in sorted(tickets, key=lambda t: t["created_at"]):
        f.write(json.dumps(t, ensure_ascii=False) + "\n")

# 30 more tickets from another helpdesk export with other column names (mapped by demo/tickets.mapping.json)
URGENCY = {"P1": "Critical", "P2": "High", "P3": "Normal", "P4": "Low"}
rows = []
for i in range(30):
    cat, pri, subjects, bodies, resolution = S[(i * 7) % len(S)]
    t = ticket(20001 + i, cat, pri, fill(subjects[-1]), fill(bodies[-1]), resolution)
    if i in (4, 17):
        t["body"] += "\n\nSteps so far:\n1. restarted\n2. tried another browser, \"same\" result"
    opened = datetime.strptime(t["created_at"], "%Y-%m-%dT%H:%M:%SZ")
    rows.append([t["ticket_id"].replace("ORB-", "HD-"), t["subject"], t["body"], t["customer"], t["category"],
                 URGENCY[t["priority"]], t["status"].capitalize(), opened.strftime("%Y-%m-%d %H:%M:%S")])
with open("demo/tickets.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Ticket ID", "Subject", "Description", "Requester", "Queue", "Urgency", "State", "Opened"])
    w.writerows(rows)
with open("demo/tickets.mapping.json", "w") as f:
    json.dump({"external_id": "Ticket ID", "subject": "Subject", "body": "Description", "customer": "Requester",
               "category": "Queue", "priority": "Urgency", "status": "State", "created_at": "Opened"}, f, indent=2)
    f.write("\n")

# A file with deliberately bad rows, to show quarantine
bad = [
 ["BAD-1","Fine ticket","Export to CSV fails with ORB-500","a@example.com","web","en","Technical","P3","open","2026-10-01T10:00:00Z","",""],
 ["BAD-2","Empty body","","b@example.com","web","en","Billing","P3","open","2026-10-01T10:00:00Z","",""],
 ["BAD-3","Bad date","Cannot log in","c@example.com","email","en","Account & Access","P2","open","last tuesday","",""],
 ["BAD-4","Unknown priority","Slack stopped posting","d@example.com","chat","en","Integrations","P9","open","2026-10-02T09:00:00Z","",""],
 ["BAD-5","Vague priority","Please add dark mode","e@example.com","web","en","Feature Request","whenever","open","2026-10-02T09:00:00Z","",""],
 ["BAD-6","Resolved before created","Refund please","f@example.com","email","en","Billing","P3","resolved","2026-10-05T09:00:00Z","2026-10-01T09:00:00Z","Refunded."],
 ["BAD-7","Fine ticket","Desktop sync stuck on 5.2.0","g@example.com","email","en","Mobile & Desktop","P2","open","2026-11-10T08:30:00Z","",""],
 ["BAD-8","Bad language","Hello","h@example.com","email","english please","General Inquiry","P4","open","2026-10-03T09:00:00Z","",""],
 ["BAD-9","Fine ticket","Where is our data stored?","i@example.com","web","en","Data & Privacy","P4","open","2026-10-04T09:00:00Z","",""],
 ["BAD-10","Unknown status","Invoice missing","j@example.com","email","en","Billing","P3","escalated-ish","2026-10-04T09:00:00Z","",""],
 ["BAD-11","Fine ticket","2FA codes rejected","k@example.com","chat","en","Account & Access","P3","open","2026-10-06T09:00:00Z","",""],
]
with open("demo/bad_tickets.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["ticket_id","subject","body","customer","channel","language","category","priority","status","created_at","resolved_at","resolution"])
    w.writerows(bad)
    f.write('BAD-12,Too many columns,Body,l@example.com,web,en,Technical,P3,open,2026-10-07T09:00:00Z,,,extra\n')

from collections import Counter
print(len(tickets), "tickets;", Counter(t["category"] for t in tickets))
print(Counter(t["priority"] for t in tickets), sum(1 for t in tickets if t["resolution"]), "resolved;",
      Counter(t["language"] for t in tickets))
