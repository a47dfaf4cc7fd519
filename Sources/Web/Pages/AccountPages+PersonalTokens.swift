import Domain
import Foundation
import Hummingbird
import UseCases

/// A person's own API tokens: an integration scores the reviews assigned to them (reviewers are
/// people, and an organization's token cannot speak for one). Reached from the account page and
/// the reviewer's assignments.
extension AccountPages {
    func personalTokensView(_ session: AccountService.SignedIn, words: Vocabulary, issued: String = "", form: FormData? = nil, errors: FieldErrors = FieldErrors()) async throws -> [String: Any] {
        let tokens = try await services.tokens.personalTokens(by: session)
        return [
            "heading": words.t("tokens_personal_title"), "lead": words.t("tokens_personal_lead"), "caption": words.t("tokens_personal_caption"),
            "base": "/account/tokens", "hasRoles": false, "organization": false,
            "tokens": tokens.map { token -> [String: Any] in
                [
                    "id": token.id.lowercasedString, "label": token.label, "created": Format.date(token.createdAt),
                    "expires": token.expiresAt.map(Format.date) ?? words.t("tokens_never"),
                    "revoked": token.revokedAt.map(Format.date) ?? "", "active": token.revokedAt == nil,
                ]
            },
            "noTokens": tokens.isEmpty,
            "issued": Vocabulary.shown(issued),
            "label": form?["label"] ?? "",
            "errors": errors.view,
        ]
    }

    @Sendable func personalTokensPage(_ request: Request, context: Context) async throws -> Response {
        let session = try signedIn(request, context)
        let words = try await words(context)
        let view = try await personalTokensView(session, words: words)
        return page("tokens", title: words.t("tokens_personal_title"), view: view, request: request, context: context)
    }

    @Sendable func issuePersonalToken(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let session = try signedIn(request, context)
        let words = try await words(context)
        let label = form["label"]
        guard !label.isEmpty, label.count <= 100 else {
            var errors = FieldErrors()
            errors.add("label", words.t("issue_label_required"))
            let view = try await personalTokensView(session, words: words, form: form, errors: errors)
            return page("tokens", title: words.t("tokens_personal_title"), view: view, request: request, context: context, status: .unprocessableContent)
        }
        let issued = try await services.tokens.issuePersonal(label: label, expiresAt: Date().addingTimeInterval(365 * 86_400), by: session)
        let view = try await personalTokensView(session, words: words, issued: issued.token)
        return page("tokens", title: words.t("tokens_personal_title"), view: view, request: request, context: context)
    }

    @Sendable func revokePersonalToken(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        let session = try signedIn(request, context)
        guard let id = context.parameters.get("token").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        _ = try await services.tokens.revokePersonal(id, by: session)
        return redirect("/account/tokens")
    }
}
