import Domain
import Foundation
import Hummingbird
import UseCases

/// A business pledges money to a call, all of it or earmarked to some of the call's focus areas and
/// places, within what is left of its budget; it withdraws a pledge until applications close.
extension CallParticipantPages {
    static var pledgeNotices: [String] { ["pledged", "withdrawn"] }

    @Sendable func pledgeForm(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let business = try member(context, .business, "Only businesses pledge money to calls.")
        let call = try await services.calls.find(try workspace.id(context), by: context.caller)
        var view = try await pledgeView(call, business: business, form: nil, errors: FieldErrors(), words: words, context: context)
        view["notice"] = notice(request, words: words, Self.pledgeNotices)
        if FormData.query(of: request)["problem"] == "closed" { view["problem"] = words.t("callpart_pledge_closed") }
        return workspace.page("call-pledge", title: words.t("callpart_pledge_title"), view: view, request: request, context: context)
    }

    @Sendable func pledgeSave(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let business = try member(context, .business, "Only businesses pledge money to calls.")
        let call = try await services.calls.find(try workspace.id(context), by: context.caller)
        var errors = FieldErrors()
        var problem: String?
        let focus = focusChoices(call, words: words).filter { form["focus_\($0)"] == "1" }
        let places = placeChoices(call, words: words).filter { form["place_\($0)"] == "1" }
        if let amount = form.whole("amount_kzt"), amount > 0 {
            let budget = try await services.partnerships.budget(of: business, by: context.caller)
            if amount > budget.remainingKZT {
                errors.add("amount_kzt", words.t("callpart_error_over_budget", Format.money(budget.remainingKZT)))
            } else if form["action"] != "confirm" {
                // Check your answers: a pledge binds the business's money, so it is read back first.
                var view = try await pledgeView(call, business: business, form: form, errors: errors, words: words, context: context)
                if form["action"] != "change" {
                    let pledge = CallPledge(
                        id: UUID(), callID: call.id, businessID: business, amountKZT: amount, earmarkFocusAreas: focus, earmarkPlaces: places,
                        createdAt: services.calls.now(), withdrawnAt: nil
                    )
                    view["check"] = [
                        "amount": Format.money(amount),
                        "earmark": calls.earmarkText(pledge, words: words),
                        "after": Format.money(budget.remainingKZT - amount),
                        "confirm": words.t("callpart_pledge_confirm", Format.money(amount)),
                        "fields": [["name": "amount_kzt", "value": String(amount)]]
                            + focus.map { ["name": "focus_\($0)", "value": "1"] } + places.map { ["name": "place_\($0)", "value": "1"] },
                    ] as [String: Any]
                }
                return workspace.page(
                    form["action"] == "change" ? "call-pledge" : "call-pledge-check", title: words.t("callpart_pledge_title"), view: view,
                    request: request, context: context
                )
            }
        }
        if errors.isEmpty, let amount = form.whole("amount_kzt"), amount > 0 {
            do {
                _ = try await services.calls.pledge(to: call.id, amountKZT: amount, focusAreas: focus, places: places, businessID: nil, by: context.caller)
                return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)/pledge?done=pledged")
            } catch DomainError.invalid(let issues) {
                for issue in issues {
                    if issue.field == "amount_kzt" {
                        if issue.code == "over_budget" {
                            let left = try await services.partnerships.budget(of: business, by: context.caller).remainingKZT
                            errors.add("amount_kzt", words.t("callpart_error_over_budget", Format.money(left)))
                        } else {
                            errors.add("amount_kzt", words.t("callpart_error_pledge_amount"))
                        }
                    } else if issue.field.hasPrefix("earmark_places") {
                        errors.add("places", words.t("callpart_error_places"))
                    } else {
                        errors.add("focus", words.t("callpart_error_focus"))
                    }
                }
            } catch DomainError.conflict {
                problem = words.t("callpart_pledge_closed")
            }
        } else if errors.isEmpty {
            errors.add("amount_kzt", words.t("callpart_error_pledge_amount"))
        }
        var view = try await pledgeView(call, business: business, form: form, errors: errors, words: words, context: context)
        if let problem { view["problem"] = problem }
        return workspace.page(
            "call-pledge", title: words.t("callpart_pledge_title"), view: view, request: request, context: context,
            status: problem != nil && errors.isEmpty ? .conflict : .unprocessableContent
        )
    }

    @Sendable func pledgeWithdraw(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let id = try workspace.id(context)
        do {
            let pledge = try await services.calls.withdrawPledge(id, by: context.caller)
            return workspace.redirect("/workspace/calls/\(pledge.callID.lowercasedString)/pledge?done=withdrawn")
        } catch DomainError.conflict {
            guard let call = UUID(uuidString: form["call"]) else { throw PageError.notFound }
            return workspace.redirect("/workspace/calls/\(call.lowercasedString)/pledge?problem=closed")
        }
    }

    /// The focus areas a pledge may be earmarked to: the call's, or any when the call names none.
    func focusChoices(_ call: Call, words: Vocabulary) -> [String] {
        call.terms.focusAreas.isEmpty ? words.snapshot.focusAreas.map(\.code) : call.terms.focusAreas
    }

    /// The places a pledge may be earmarked to: the districts of a region's call, the regions of a
    /// national one; none for a district's call (all of it is the district).
    func placeChoices(_ call: Call, words: Vocabulary) -> [String] {
        guard let territory = call.terms.territory else { return words.snapshot.regions.filter { $0.level == 1 }.map(\.kato) }
        guard words.snapshot.unit(territory)?.parentKATO == nil else { return [] }
        return words.snapshot.districts(of: territory).map(\.kato)
    }

    func pledgeView(_ call: Call, business: UUID, form: FormData?, errors: FieldErrors, words: Vocabulary, context: Context) async throws -> [String: Any] {
        let budget = try await services.partnerships.budget(of: business, by: context.caller)
        let phase = call.phase(at: services.calls.now())
        let taking = phase == .upcoming || phase == .open
        let own = try await services.calls.pledges(of: call.id, by: context.caller).filter { $0.businessID == business && $0.withdrawnAt == nil }
        func choices(_ codes: [String], prefix: String, name: (String) -> String, precedes: (String, String) -> Bool) -> [[String: Any]] {
            codes.sorted(by: precedes).map { code in
                ["code": code, "name": name(code), "checked": form?["\(prefix)_\(code)"] == "1"]
            }
        }
        let places = choices(placeChoices(call, words: words), prefix: "place", name: words.regionName, precedes: words.placePrecedes)
        return [
            "call": callSummary(call, words: words),
            "remaining": Format.money(budget.remainingKZT),
            "declared": budget.declaredKZT.map(Format.money) ?? words.t("budget_none"),
            "committed": Format.money(budget.committedKZT),
            "asOf": words.time(services.calls.now(), withClock: true),
            "taking": taking,
            "mayPledge": taking && !context.caller.isViewer,
            "amount": form?["amount_kzt"] ?? "",
            "focusAreas": choices(focusChoices(call, words: words), prefix: "focus", name: words.focusName, precedes: words.focusPrecedes),
            "places": places,
            "hasPlaces": !places.isEmpty,
            "placesLegend": call.terms.territory == nil ? words.t("callpart_pledge_regions") : words.t("callpart_pledge_districts"),
            "pledges": own.map { pledge -> [String: Any] in
                [
                    "id": pledge.id.lowercasedString,
                    "amount": Format.money(pledge.amountKZT),
                    "earmark": calls.earmarkText(pledge, words: words),
                    "date": words.time(pledge.createdAt, withClock: true),
                ]
            },
            "hasPledges": !own.isEmpty,
            "mayWithdraw": taking && !context.caller.isViewer,
            "errors": errors.view,
        ]
    }
}
