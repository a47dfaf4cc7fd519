import Domain
import Foundation
import Storage

/// Calls for proposals: a government body writes and publishes one, businesses pledge money to it,
/// NGOs apply while it is open. Every decision about who may do what is taken here.
public struct CallService: Sendable {
    let calls: CallRepository
    let organizations: OrganizationRepository
    let reference: ReferenceData
    let clock: ServiceClock
    let reporting: ReportingPolicy

    public init(
        calls: CallRepository, organizations: OrganizationRepository, reference: ReferenceData, clock: ServiceClock,
        reporting: ReportingPolicy = ReportingPolicy()
    ) {
        self.calls = calls
        self.organizations = organizations
        self.reference = reference
        self.clock = clock
        self.reporting = reporting
    }

    // MARK: - The call

    /// A government body drafts a call in its own jurisdiction (a national body anywhere); an admin
    /// drafts one for a body it names. `problems` are what the front door found wrong with the
    /// request's form, reported with the rest once the caller may create calls at all.
    public func create(_ terms: CallTerms, governmentBodyID: UUID?, problems: [FieldIssue] = [], by caller: Caller) async throws -> Call {
        let body = try await issuingBody(governmentBodyID, caller: caller, to: "issue calls")
        try await check(terms, issuedBy: body, problems: problems)
        return try await calls.create(terms, by: body.id)
    }

    /// The government body a new call of the caller's would be issued by (the one `named`, for
    /// an admin), refused as `create` refuses it: for the terms form before anything is typed.
    public func issuer(_ named: UUID? = nil, by caller: Caller) async throws -> Organization {
        try await issuingBody(named, caller: caller, to: "issue calls")
    }

    /// A call the caller runs: its government body, not a viewer, or an admin.
    public func callToRun(_ id: UUID, by caller: Caller) async throws -> Call {
        try await ownCall(id, by: caller, to: "run it")
    }

    /// Changes a draft's terms; a published call's terms stay as applicants read them.
    public func update(_ id: UUID, to terms: CallTerms, ifMatch: Set<Int>?, problems: [FieldIssue] = [], by caller: Caller) async throws -> Call {
        try Access.requireSignedIn(caller)
        let current = try await find(id, by: caller)
        try Access.requireActsFor(caller, current.governmentBodyID, to: "change its calls")
        let body = try await organizations.find(current.governmentBodyID)
        try await check(terms, issuedBy: body, problems: problems)
        return try await calls.update(id, to: terms, ifMatch: ifMatch) { call in
            guard call.state == .draft else {
                throw DomainError.conflict(code: "call_published", message: "A published call's terms no longer change: applicants have read them.")
            }
        }
    }

    /// Publishes a draft: from then on anyone reads it, businesses pledge and, once it opens, NGOs apply.
    public func publish(_ id: UUID, ifMatch: Set<Int>?, by caller: Caller) async throws -> Call {
        try Access.requireSignedIn(caller)
        let current = try await find(id, by: caller)
        try Access.requireActsFor(caller, current.governmentBodyID, to: "publish its calls")
        let now = clock.now()
        return try await calls.publish(id, ifMatch: ifMatch) { call in
            guard call.state == .draft else { throw DomainError.conflict(code: "call_published", message: "The call is published already.") }
            guard call.terms.closesAt > now else {
                throw DomainError.invalid([FieldIssue(field: "closes_at", code: "in_the_past", message: "The call would close before it is published: move the dates.")])
            }
        }
    }

    /// A published call for anyone; a draft only for its government body and admins.
    public func find(_ id: UUID, by caller: Caller) async throws -> Call {
        let call = try await calls.find(id)
        if call.state == .draft && !caller.speaksFor(call.governmentBodyID) { throw DomainError.notFound(resource: "call") }
        return call
    }

    /// The titles of the calls with these ids the caller may read (published ones, its own drafts).
    public func titles(of ids: [UUID], by caller: Caller) async throws -> [UUID: LocalizedText] {
        try await calls.find(ids).filter { $0.value.state != .draft || caller.speaksFor($0.value.governmentBodyID) }.mapValues(\.terms.title)
    }

    /// Published calls (of one government body when given) and the caller's own drafts.
    public func list(governmentBodyID: UUID?, limit: Int, by caller: Caller) async throws -> [Call] {
        let own = caller.member.flatMap { $0.kind == .governmentBody ? $0.organizationID : nil }
        return try await calls.list(governmentBody: governmentBodyID, draftsOf: own, allDrafts: caller.isAdmin, limit: limit)
    }

    public func now() -> Date { clock.now() }

    // MARK: - Pledges

    /// A business pledges money to a published call until applications close, within what is left
    /// of its budget; earmarks name focus areas of the call and places in its territory.
    public func pledge(
        to callID: UUID, amountKZT: Int64, focusAreas: [String], places: [String], businessID: UUID?, problems: [FieldIssue] = [],
        by caller: Caller
    ) async throws -> CallPledge {
        try Access.requireSignedIn(caller)
        guard let business = businessID ?? caller.member?.organizationID else {
            throw DomainError.invalid([FieldIssue(field: "business_id", code: "required", message: "business_id is required.")])
        }
        try Access.requireActsFor(caller, business, to: "pledge its money")
        let sponsor = try await organizations.find(business)
        guard sponsor.fields.kind == .business else { throw DomainError.forbidden(message: "Only businesses pledge money to calls.") }
        guard sponsor.active, sponsor.verification != .suspended else {
            throw DomainError.forbidden(message: "A suspended or deactivated business cannot pledge.")
        }
        let call = try await find(callID, by: caller)
        var issues = problems
        if amountKZT <= 0 { issues.append(FieldIssue(field: "amount_kzt", code: "out_of_range", message: "Pledge at least 1 KZT.")) }
        for (offset, code) in focusAreas.enumerated() where !call.terms.focusAreas.isEmpty && !call.terms.focusAreas.contains(code) {
            issues.append(FieldIssue(field: "earmark_focus_areas[\(offset)]", code: "outside_call", message: "\(code) is not among the call's focus areas."))
        }
        issues += try await reference.unknownCodes(region: nil, focusAreas: focusAreas, focusAreaField: { "earmark_focus_areas[\($0)]" })
        for (offset, place) in places.enumerated() {
            let field = "earmark_places[\(offset)]"
            issues += try await reference.unknownCodes(region: place, focusAreas: [], regionField: field)
            if let territory = call.terms.territory, !KATO.covers(territory, place) {
                issues.append(FieldIssue(field: field, code: "outside_call", message: "\(place) lies outside the call's territory."))
            }
        }
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        let now = clock.now()
        return try await calls.pledge(to: callID, by: business, amountKZT: amountKZT, focusAreas: focusAreas, places: places) { call in
            let phase = call.phase(at: now)
            guard phase == .upcoming || phase == .open else {
                throw DomainError.conflict(code: "call_not_taking_pledges", message: "Pledges are taken from publication until applications close; this call is \(phase.rawValue).")
            }
        }
    }

    /// The live and withdrawn pledges of a call anyone may read.
    public func pledges(of callID: UUID, by caller: Caller) async throws -> [CallPledge] {
        _ = try await find(callID, by: caller)
        return try await calls.pledges(of: callID)
    }

    /// The business withdraws its pledge while applications are still open.
    public func withdrawPledge(_ id: UUID, by caller: Caller) async throws -> CallPledge {
        try Access.requireSignedIn(caller)
        let pledge = try await calls.findPledge(id)
        guard caller.speaksFor(pledge.businessID) else { throw DomainError.notFound(resource: "pledge") }
        try Access.requireActsFor(caller, pledge.businessID, to: "withdraw its pledges")
        let now = clock.now()
        return try await calls.withdrawPledge(id) { call, pledge in
            guard pledge.withdrawnAt == nil else { throw DomainError.conflict(code: "pledge_withdrawn", message: "The pledge is withdrawn already.") }
            let phase = call.phase(at: now)
            guard phase == .upcoming || phase == .open else {
                throw DomainError.conflict(code: "call_closed", message: "Applications have closed: the call's money is being allocated and the pledge stays.")
            }
        }
    }

    // MARK: - Applications

    /// An NGO applies to an open call with one of its projects (a draft it writes for the call, or
    /// one published already); the application stays a draft until submitted.
    public func apply(to callID: UUID, _ draft: CallApplicationDraft, problems: [FieldIssue] = [], by caller: Caller) async throws -> CallApplication {
        try Access.requireSignedIn(caller)
        guard let member = caller.member, member.kind == .ngo else { throw DomainError.forbidden(message: "Only NGOs apply to calls.") }
        try Access.requireActsFor(caller, member.organizationID, to: "apply to calls")
        let call = try await find(callID, by: caller)
        try await check(draft, for: call, ngo: member.organizationID, problems: problems)
        let now = clock.now()
        return try await calls.apply(to: callID, by: member.organizationID, draft) { call in try Self.requireOpen(call, at: now) }
    }

    /// The NGO changes its application, submitted or not, until the call closes.
    public func updateApplication(
        _ id: UUID, to draft: CallApplicationDraft, ifMatch: Set<Int>?, problems: [FieldIssue] = [], by caller: Caller
    ) async throws -> CallApplication {
        let current = try await application(id, by: caller)
        try Access.requireActsFor(caller, current.ngoID, to: "change its applications")
        let call = try await calls.find(current.callID)
        try await check(draft, for: call, ngo: current.ngoID, problems: problems)
        guard draft.projectID == current.draft.projectID else {
            throw DomainError.invalid([FieldIssue(field: "project_id", code: "immutable", message: "An application keeps its project; withdraw it and apply with the other one.")])
        }
        let now = clock.now()
        return try await calls.updateApplication(id, to: draft, ifMatch: ifMatch) { call, application in
            try Self.requireOpen(call, at: now)
            guard application.state != .withdrawn else {
                throw DomainError.conflict(code: "application_withdrawn", message: "The application was withdrawn.")
            }
            if application.state == .submitted { try Self.requireAnswered(draft, call: call) }
        }
    }

    /// Submits an application: every question answered and every eligibility rule met, each
    /// failure named (on the field `eligibility.<rule>`).
    public func submit(_ id: UUID, ifMatch: Set<Int>?, by caller: Caller) async throws -> CallApplication {
        let current = try await application(id, by: caller)
        try Access.requireActsFor(caller, current.ngoID, to: "submit its applications")
        let now = clock.now()
        let year = Calendar(identifier: .gregorian).component(.year, from: now)
        return try await calls.setApplicationState(id, to: .submitted, ifMatch: ifMatch, now: now, graceDays: reporting.graceDays) { call, application, applicant in
            try Self.requireOpen(call, at: now)
            guard application.state == .draft else {
                throw DomainError.conflict(code: "application_\(application.state.rawValue)", message: "The application is \(application.state.rawValue) already.")
            }
            try Self.requireAnswered(application.draft, call: call)
            let failures = call.terms.eligibility.failures(of: applicant, territory: call.terms.territory, year: year)
            if !failures.isEmpty {
                throw DomainError.invalid(failures.map { FieldIssue(field: "eligibility.\($0.rule.rawValue)", code: "ineligible", message: $0.message) })
            }
        }
    }

    /// The NGO withdraws its application while the call is open.
    public func withdrawApplication(_ id: UUID, by caller: Caller) async throws -> CallApplication {
        let current = try await application(id, by: caller)
        try Access.requireActsFor(caller, current.ngoID, to: "withdraw its applications")
        let now = clock.now()
        return try await calls.setApplicationState(id, to: .withdrawn, ifMatch: nil, now: now, graceDays: reporting.graceDays) { call, application, _ in
            try Self.requireOpen(call, at: now)
            guard application.state != .withdrawn else {
                throw DomainError.conflict(code: "application_withdrawn", message: "The application was withdrawn already.")
            }
        }
    }

    /// An application is read by its NGO, the call's government body (once ever submitted) and admins.
    public func application(_ id: UUID, by caller: Caller) async throws -> CallApplication {
        try Access.requireSignedIn(caller)
        let application = try await calls.findApplication(id)
        if caller.speaksFor(application.ngoID) { return application }
        let call = try await calls.find(application.callID)
        // What the NGO never submitted (a draft, or a draft it withdrew) stays its own.
        guard caller.speaksFor(call.governmentBodyID), application.submittedAt != nil else { throw DomainError.notFound(resource: "application") }
        return application
    }

    /// A call's submitted applications for its government body and admins; an NGO sees its own.
    public func applications(of callID: UUID, by caller: Caller) async throws -> [CallApplication] {
        try Access.requireSignedIn(caller)
        let call = try await find(callID, by: caller)
        if caller.speaksFor(call.governmentBodyID) { return try await calls.applications(of: callID, includingDrafts: false) }
        guard let member = caller.member, member.kind == .ngo else {
            throw DomainError.forbidden(message: "Only the call's government body reads its applications; an NGO reads its own.")
        }
        return try await calls.applications(of: callID, includingDrafts: true).filter { $0.ngoID == member.organizationID }
    }

    /// Every application of an NGO's, newest first.
    public func applications(ofNGO ngo: UUID, by caller: Caller) async throws -> [CallApplication] {
        try Access.requireSpeaksFor(caller, ngo, to: "read its applications")
        return try await calls.applications(ofNGO: ngo)
    }

    // MARK: - Checks

    /// The government body a caller issues calls for: its own, or the one an admin names.
    private func issuingBody(_ named: UUID?, caller: Caller, to action: String) async throws -> Organization {
        try Access.requireSignedIn(caller)
        guard caller.isAdmin || caller.member?.kind == .governmentBody else {
            throw DomainError.forbidden(message: "Calls for proposals are issued by government bodies.")
        }
        guard let id = named ?? caller.member?.organizationID else {
            throw DomainError.invalid([FieldIssue(field: "government_body_id", code: "required", message: "government_body_id is required.")])
        }
        try Access.requireActsFor(caller, id, to: action)
        let body: Organization
        do {
            body = try await organizations.find(id)
        } catch DomainError.notFound {
            throw DomainError.invalid([FieldIssue(field: "government_body_id", code: "not_a_government_body", message: "Name an active government body.")])
        }
        guard body.fields.kind == .governmentBody, body.active, body.verification != .suspended else {
            throw DomainError.invalid([FieldIssue(field: "government_body_id", code: "not_a_government_body", message: "Name an active government body.")])
        }
        return body
    }

    private func check(_ terms: CallTerms, issuedBy body: Organization, problems: [FieldIssue]) async throws {
        var issues = problems + terms.issues()
        issues += try await reference.unknownCodes(
            region: terms.territory, focusAreas: terms.focusAreas, regionField: "territory", focusAreaField: { "focus_areas[\($0)]" }
        )
        if body.fields.level != .national {
            let jurisdiction = body.fields.jurisdiction ?? ""
            if let territory = terms.territory {
                if !KATO.covers(jurisdiction, territory) {
                    issues.append(FieldIssue(field: "territory", code: "outside_jurisdiction", message: "The territory lies outside the government body's jurisdiction."))
                }
            } else {
                issues.append(FieldIssue(field: "territory", code: "required", message: "Only a national body issues calls for the whole country; name a territory."))
            }
        }
        if !issues.isEmpty { throw DomainError.invalid(issues) }
    }

    private func check(_ draft: CallApplicationDraft, for call: Call, ngo: UUID, problems: [FieldIssue]) async throws {
        var issues = problems + draft.framework.issues()
        if let project = try await calls.project(draft.projectID) {
            if project.owner != ngo {
                issues.append(FieldIssue(field: "project_id", code: "not_yours", message: "Apply with a project of your own NGO."))
            } else if project.status == .closed || project.status == .funded {
                issues.append(FieldIssue(field: "project_id", code: "project_\(project.status.rawValue)", message: "The project is \(project.status.rawValue); apply with a draft or open one."))
            }
        } else {
            issues.append(FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id."))
        }
        let terms = call.terms
        if draft.amountKZT < terms.minGrantKZT || draft.amountKZT > terms.maxGrantKZT {
            issues.append(FieldIssue(
                field: "amount_kzt", code: "out_of_range", message: "Ask for \(terms.minGrantKZT) to \(terms.maxGrantKZT) KZT: the call's grant limits."
            ))
        }
        if draft.answers.count > terms.questions.count {
            issues.append(FieldIssue(field: "answers", code: "too_many", message: "The call asks \(terms.questions.count) questions."))
        }
        for (offset, (answer, question)) in zip(draft.answers, terms.questions).enumerated() where answer.unicodeScalars.count > question.maxLength {
            issues.append(FieldIssue(field: "answers[\(offset)]", code: "too_long", message: "Answer in at most \(question.maxLength) characters."))
        }
        if !issues.isEmpty { throw DomainError.invalid(issues) }
    }

    static func requireOpen(_ call: Call, at now: Date) throws {
        let phase = call.phase(at: now)
        guard phase == .open else {
            throw DomainError.conflict(code: "call_not_open", message: phase == .upcoming
                ? "The call opens for applications on \(call.terms.opensAt.formatted(.iso8601))."
                : "The call is not taking applications; it is \(phase.rawValue).")
        }
    }

    /// A submitted application keeps an answer to every question.
    static func requireAnswered(_ new: CallApplicationDraft, call: Call) throws {
        var issues: [FieldIssue] = []
        for offset in call.terms.questions.indices {
            let answer = offset < new.answers.count ? new.answers[offset] : ""
            if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                issues.append(FieldIssue(field: "answers[\(offset)]", code: "required", message: "Answer every question of the call."))
            }
        }
        if !issues.isEmpty { throw DomainError.invalid(issues) }
    }
}
