import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

/// Signing in and out, the second factor, joining, password resets, the account page, and what
/// owners and admins manage: invitations, API tokens, the verification queue.
struct AccountPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer
    let settings: WebSettings

    var accounts: AccountService { services.accounts }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/sign-in", use: signInForm)
        router.post("/sign-in", use: signIn)
        router.get("/sign-in/code", use: codeForm)
        router.post("/sign-in/code", use: code)
        router.post("/sign-out", use: signOut)
        router.post("/sign-out-everywhere", use: signOutEverywhere)
        router.get("/account", use: account)
        router.post("/account/organization", use: switchOrganization)
        router.post("/account/sessions/{id}/end", use: endSession)
        router.get("/account/password", use: passwordForm)
        router.post("/account/password", use: changePassword)
        router.get("/account/two-factor", use: twoFactorForm)
        router.post("/account/two-factor", use: twoFactor)
        router.get("/register", use: registerForm)
        router.post("/register", use: register)
        router.get("/password/forgot", use: forgotForm)
        router.post("/password/forgot", use: forgot)
        router.get("/password/reset", use: resetForm)
        router.post("/password/reset", use: reset)
        router.get("/invitations/accept", use: invitationForm)
        router.post("/invitations/accept", use: acceptInvitation)
        router.get("/organizations/{id}/profile", use: profilePage)
        router.post("/organizations/{id}/profile", use: saveProfile)
        router.get("/organizations/{id}/members", use: membersForm)
        router.post("/organizations/{id}/members", use: invite)
        router.get("/organizations/{id}/tokens", use: tokensPage)
        router.post("/organizations/{id}/tokens", use: issueToken)
        router.post("/organizations/{id}/tokens/{token}/revoke", use: revokeToken)
        router.get("/organizations/{id}/webhooks", use: webhooksPage)
        router.post("/organizations/{id}/webhooks", use: registerWebhook)
        router.post("/organizations/{id}/webhooks/{webhook}/disable", use: disableWebhook)
        router.get("/organizations/{id}/webhooks/deliveries/{delivery}", use: deliveryPage)
        router.post("/organizations/{id}/webhooks/deliveries/{delivery}/replay", use: replayDelivery)
        router.get("/organizations/{id}/documents", use: documentsPage)
        router.post("/organizations/{id}/documents", use: uploadDocument)
        router.get("/organizations/{id}/documents/{document}", use: downloadDocument)
        router.post("/organizations/{id}/documents/{document}/remove", use: removeDocument)
        router.get("/admin/verification", use: verificationQueue)
        router.post("/admin/verification/{id}", use: verify)
        router.get("/admin/people", use: peoplePage)
        router.get("/account/tokens", use: personalTokensPage)
        router.post("/account/tokens", use: issuePersonalToken)
        router.post("/account/tokens/{token}/revoke", use: revokePersonalToken)
        router.get("/admin/tokens", use: allTokensPage)
        router.post("/admin/tokens/{token}/revoke", use: revokeAnyToken)
        router.post("/admin/people/{id}", use: setPersonDisabled)
    }

    // MARK: - Helpers

    func words(_ context: Context) async throws -> Vocabulary {
        try await WorkspacePage<Context>(services: services, renderer: renderer).words(context)
    }

    /// A private page: never stored by a browser or proxy.
    func page(
        _ template: String, title: String, view: [String: Any], request: Request, context: Context, status: HTTPResponse.Status = .ok
    ) -> Response {
        WorkspacePage<Context>(services: services, renderer: renderer).page(template, title: title, view: view, request: request, context: context, status: status)
    }

    func redirect(_ location: String, cookie: String? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        if let cookie { response.headers[values: .setCookie].append(cookie) }
        return response
    }

    func sessionCookie(_ token: AccountService.SessionToken) -> String {
        Cookies.header(name: Cookies.session, value: token.value, maxAge: max(60, Int(token.expiresAt.timeIntervalSinceNow)), secure: settings.secureCookies)
    }

    var clearedSessionCookie: String {
        Cookies.header(name: Cookies.session, value: "", maxAge: 0, secure: settings.secureCookies)
    }

    /// The fully signed-in person, or a redirect to sign in and come back.
    func signedIn(_ request: Request, _ context: Context) throws -> AccountService.SignedIn {
        try WorkspacePage<Context>.signedIn(request, context)
    }

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
    }

    /// A local path to return to after signing in; anything else goes to the account page.
    static func localPath(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.hasPrefix("/\\") else { return "/account" }
        return text
    }

    /// Where the person goes once signed in.
    func destination(after outcome: AccountService.SignInOutcome, next: String) -> Response? {
        switch outcome {
        case .signedIn(let token): redirect(Self.localPath(next), cookie: sessionCookie(token))
        case .secondFactorNeeded(let token): redirect("/sign-in/code", cookie: sessionCookie(token))
        case .enrollSecondFactor(let token): redirect("/account/two-factor", cookie: sessionCookie(token))
        case .refused, .throttled: nil
        }
    }

    /// A use case's field issues beside the page's fields, in the reader's language.
    func add(_ issues: [FieldIssue], to errors: inout FieldErrors, words: Vocabulary, fields: [String: String]) {
        for issue in issues {
            let field = fields[issue.field] ?? issue.field
            let specific = "issue_\(field)_\(issue.code)"
            let general = "issue_\(issue.code)"
            let table = renderer.messages.table(words.language)
            errors.add(field, table[specific] ?? table[general] ?? issue.message)
        }
    }

    func throttledMessage(_ seconds: Int, _ words: Vocabulary) -> String {
        words.t("sign_in_throttled", String(seconds))
    }

    /// What a submitted six-digit code led to: on to the account page, or the error beside the field.
    struct CodeResult {
        var signedIn: Response?
        var errors = FieldErrors()
        var status: HTTPResponse.Status = .badRequest
    }

    /// Checks the form's code (at sign-in or when setting up the authenticator) with `check`.
    func checkCode(
        _ form: FormData, words: Vocabulary, with check: (String) async throws -> AccountService.SecondFactorOutcome
    ) async throws -> CodeResult {
        var result = CodeResult()
        let code = form["code"].filter(\.isNumber)
        guard code.count == 6 else {
            result.errors.add("code", words.t("issue_code_format"))
            return result
        }
        switch try await check(code) {
        case .signedIn(let newToken):
            result.signedIn = redirect("/account", cookie: sessionCookie(newToken))
        case .refused:
            result.errors.add("code", words.t("issue_code_wrong"))
            result.status = .unauthorized
        case .throttled(let seconds):
            result.errors.add("code", throttledMessage(seconds, words))
            result.status = .tooManyRequests
        }
        return result
    }

    // MARK: - Signing in

    @Sendable func signInForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        if context.page.personName != nil { return redirect("/account") }
        let next = request.uri.queryParameters["next"].map(String.init) ?? ""
        var view: [String: Any] = ["email": "", "next": next, "errors": FieldErrors().view]
        if request.uri.queryParameters["ended"] != nil { view["notice"] = words.t("sign_out_everywhere_done") }
        if request.uri.queryParameters["reset"] != nil { view["notice"] = words.t("reset_done") }
        return page("sign-in", title: words.t("sign_in_title"), view: view, request: request, context: context)
    }

    @Sendable func signIn(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        var errors = FieldErrors()
        if form["email"].isEmpty { errors.add("email", words.t("issue_email_required")) }
        if form.raw("password").isEmpty { errors.add("password", words.t("issue_password_required")) }
        var status: HTTPResponse.Status = .badRequest
        if errors.isEmpty {
            let outcome = try await accounts.signIn(
                email: form["email"], password: form.raw("password"), address: context.clientAddress,
                userAgent: request.headers[.userAgent] ?? ""
            )
            if let response = destination(after: outcome, next: form["next"]) { return response }
            switch outcome {
            case .throttled(let seconds):
                errors.add("email", throttledMessage(seconds, words))
                status = .tooManyRequests
            default:
                errors.add("email", words.t("sign_in_refused"))
                status = .unauthorized
            }
        }
        let view: [String: Any] = ["email": form["email"], "next": form["next"], "errors": errors.view]
        return page("sign-in", title: words.t("sign_in_title"), view: view, request: request, context: context, status: status)
    }

    @Sendable func codeForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard context.page.session?.secondFactorPending == true else { return redirect("/sign-in") }
        return page("sign-in-code", title: words.t("code_title"), view: ["errors": FieldErrors().view], request: request, context: context)
    }

    @Sendable func code(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let token = context.page.sessionToken, context.page.session?.secondFactorPending == true else { return redirect("/sign-in") }
        let checked = try await checkCode(form, words: words) { code in
            try await accounts.verifySecondFactor(token, code: code, address: context.clientAddress)
        }
        if let signedIn = checked.signedIn { return signedIn }
        return page("sign-in-code", title: words.t("code_title"), view: ["errors": checked.errors.view], request: request, context: context, status: checked.status)
    }

    @Sendable func twoFactorForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard let token = context.page.sessionToken, let session = context.page.session, !session.secondFactorPending else {
            return redirect("/sign-in")
        }
        if session.person.totpEnabled { return redirect("/account") }
        let enrollment = try await accounts.beginSecondFactorEnrollment(token)
        let view: [String: Any] = [
            "secret": enrollment.secret, "uri": enrollment.url, "errors": FieldErrors().view,
            "required": session.mustEnrollSecondFactor,
        ]
        return page("two-factor", title: words.t("two_factor_title"), view: view, request: request, context: context)
    }

    @Sendable func twoFactor(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let token = context.page.sessionToken, let session = context.page.session, !session.secondFactorPending else {
            return redirect("/sign-in")
        }
        let checked = try await checkCode(form, words: words) { code in
            try await accounts.confirmSecondFactorEnrollment(token, code: code, address: context.clientAddress)
        }
        if let signedIn = checked.signedIn { return signedIn }
        // The key and link shown again are the ones being confirmed, so the app already set up keeps
        // working; when another tab has just confirmed one, there is nothing left to set up.
        let enrollment: AccountService.Enrollment
        do {
            enrollment = try await accounts.beginSecondFactorEnrollment(token)
        } catch DomainError.conflict {
            return redirect("/account")
        }
        let view: [String: Any] = [
            "secret": enrollment.secret, "uri": enrollment.url, "errors": checked.errors.view, "required": session.mustEnrollSecondFactor,
        ]
        return page("two-factor", title: words.t("two_factor_title"), view: view, request: request, context: context, status: checked.status)
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        if let token = context.page.sessionToken { try await accounts.signOut(token) }
        return redirect("/", cookie: clearedSessionCookie)
    }

    @Sendable func signOutEverywhere(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        _ = try signedIn(request, context)
        if let token = context.page.sessionToken { try await accounts.signOutEverywhere(token) }
        return redirect("/sign-in?ended=all", cookie: clearedSessionCookie)
    }

    // MARK: - The account page

    @Sendable func account(_ request: Request, context: Context) async throws -> Response {
        let session = try signedIn(request, context)
        let words = try await words(context)
        let token = context.page.sessionToken ?? ""
        let sessions = try await accounts.listSessions(token)
        let memberships: [[String: Any]] = session.memberships.map { membership in
            let owner = membership.role == .owner
            return [
                "id": membership.organizationID.lowercasedString,
                "name": words.text(membership.organizationName),
                "kind": words.kindName(membership.kind),
                "role": words.t("role_\(membership.role.rawValue)"),
                "acting": membership.organizationID == session.actingOrganizationID,
                "owner": owner,
            ]
        }
        var view: [String: Any] = [
            "name": session.person.displayName,
            "email": session.person.email,
            "admin": session.person.isAdmin,
            "totp": session.person.totpEnabled,
            "memberships": memberships,
            "noMemberships": memberships.isEmpty,
            "sessions": sessions.map { info -> [String: Any] in
                [
                    "id": info.id.lowercasedString, "current": info.isCurrent,
                    "started": Format.dateTime(info.createdAt), "lastSeen": Format.dateTime(info.lastSeenAt),
                    "device": String(info.userAgent.prefix(120)), "address": info.address,
                ]
            },
        ]
        // Only the notices there are: any other `done` shows nothing.
        if let done = request.uri.queryParameters["done"],
           let notice = renderer.messages.table(words.language)["account_done_\(done.filter { $0.isLetter || $0 == "_" })"] {
            view["notice"] = notice
        }
        return page("account", title: words.t("account_title"), view: view, request: request, context: context)
    }

    @Sendable func passwordForm(_ request: Request, context: Context) async throws -> Response {
        _ = try signedIn(request, context)
        let words = try await words(context)
        return page("change-password", title: words.t("change_password_title"), view: ["errors": FieldErrors().view], request: request, context: context)
    }

    @Sendable func changePassword(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        _ = try signedIn(request, context)
        let words = try await words(context)
        var errors = FieldErrors()
        if form.raw("current_password").isEmpty { errors.add("current_password", words.t("issue_current_password_required")) }
        if form.raw("password") != form.raw("password_confirmation") {
            errors.add("password_confirmation", words.t("issue_password_confirmation_mismatch"))
        }
        if errors.isEmpty, let token = context.page.sessionToken {
            do {
                try await accounts.changePassword(
                    token, current: form.raw("current_password"), new: form.raw("password"), address: context.clientAddress
                )
                return redirect("/account?done=password")
            } catch DomainError.invalid(let issues) {
                add(issues, to: &errors, words: words, fields: ["password": "password", "current_password": "current_password"])
            }
        }
        // Passwords are never written back into the form.
        return page(
            "change-password", title: words.t("change_password_title"), view: ["errors": errors.view], request: request, context: context,
            status: .unprocessableContent
        )
    }

    @Sendable func switchOrganization(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        _ = try signedIn(request, context)
        guard let id = UUID(uuidString: form["organization_id"]), let token = context.page.sessionToken else { throw PageError.badRequest }
        _ = try await accounts.switchOrganization(token, to: id)
        return redirect("/account?done=switched")
    }

    @Sendable func endSession(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        _ = try signedIn(request, context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), let token = context.page.sessionToken else {
            throw PageError.notFound
        }
        _ = try await accounts.endSession(id, token: token)
        return redirect("/account?done=session_ended")
    }

    // MARK: - Joining

    static var registrationFields: [String: String] { [
        "name": "organization_name", "bin": "bin", "legal_form": "legal_form", "regions": "region", "kind": "kind",
        "owner.email": "email", "owner.name": "display_name", "owner.password": "password",
    ] }

    func registerView(_ form: FormData?, errors: FieldErrors, words: Vocabulary) -> [String: Any] {
        let value = { (name: String) in form?[name] ?? "" }
        let kind = OrganizationKind(rawValue: value("kind"))
        func field(_ name: String, _ label: String, type: String = "text", autocomplete: String = "", hint: String = "") -> [String: Any] {
            ["name": name, "label": words.t(label), "type": type, "value": value(name), "error": errors.view[name] ?? false,
             "autocomplete": autocomplete, "hint": hint.isEmpty ? false : words.t(hint)]
        }
        return [
            "errors": errors.view,
            "kinds": words.kindOptions(selected: kind),
            "legalForms": words.snapshot.legalForms
                .map { ["value": $0.code, "label": $0.name.preferred(words.language), "selected": $0.code == value("legal_form")] as [String: Any] },
            "regions": words.regionOptions(selected: value("region")),
            "fields": [
                field("organization_name", "register_organization_name", autocomplete: "organization"),
                field("bin", "organization_bin", hint: "register_bin_hint"),
            ],
            "personFields": [
                field("display_name", "field_display_name", autocomplete: "name"),
                field("email", "field_email", type: "email", autocomplete: "email"),
            ],
        ]
    }

    @Sendable func registerForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        return page("register", title: words.t("register_title"), view: registerView(nil, errors: FieldErrors(), words: words), request: request, context: context)
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        var errors = FieldErrors()
        let kind = OrganizationKind(rawValue: form["kind"])
        if kind == nil { errors.add("kind", words.t("issue_kind_required")) }
        if kind == .governmentBody { errors.add("kind", words.t("issue_kind_government")) }
        if form["organization_name"].isEmpty { errors.add("organization_name", words.t("issue_organization_name_required")) }
        if form["legal_form"].isEmpty { errors.add("legal_form", words.t("issue_legal_form_required")) }
        if form["region"].isEmpty { errors.add("region", words.t("issue_region_required")) }
        if form.raw("password") != form.raw("password_confirmation") {
            errors.add("password_confirmation", words.t("issue_password_confirmation_mismatch"))
        }
        var draft = OrganizationDraft(
            kind: kind ?? .ngo, bin: form["bin"].filter(\.isNumber), legalForm: form["legal_form"],
            name: words.language == .kk ? LocalizedText(kk: form["organization_name"]) :
                words.language == .ru ? LocalizedText(ru: form["organization_name"]) : LocalizedText(en: form["organization_name"])
        )
        if !form["region"].isEmpty { draft.regions = [form["region"]] }
        let owner = AccountService.NewAccount(email: form["email"], name: form["display_name"], password: form.raw("password"), language: words.language)
        if errors.isEmpty {
            do {
                let (_, outcome) = try await accounts.registerOrganization(
                    draft, owner: owner, address: context.clientAddress, userAgent: request.headers[.userAgent] ?? ""
                )
                if let response = destination(after: outcome, next: "/account?done=registered") { return response }
            } catch DomainError.invalid(let issues) {
                add(issues, to: &errors, words: words, fields: Self.registrationFields)
            } catch DomainError.conflict(let code, _) {
                errors.add(code.contains("bin") ? "bin" : "email", words.t("issue_conflict_\(code.contains("bin") ? "bin" : "email")"))
            }
        } else {
            // Report the use case's own checks too, so every problem shows at once.
            var issues = OrganizationRules.issues(draft)
            issues.removeAll { $0.field == "name" || $0.field == "regions" }
            issues += AccountService.issues(of: owner, prefix: "owner.")
            add(issues, to: &errors, words: words, fields: Self.registrationFields)
        }
        return page(
            "register", title: words.t("register_title"), view: registerView(form, errors: errors, words: words),
            request: request, context: context, status: .unprocessableContent
        )
    }

    @Sendable func forgotForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        return page("forgot", title: words.t("forgot_title"), view: ["email": "", "errors": FieldErrors().view], request: request, context: context)
    }

    @Sendable func forgot(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        var errors = FieldErrors()
        if form["email"].isEmpty || !form["email"].contains("@") { errors.add("email", words.t("issue_email_invalid")) }
        guard errors.isEmpty else {
            let view: [String: Any] = ["email": form["email"], "errors": errors.view]
            return page("forgot", title: words.t("forgot_title"), view: view, request: request, context: context, status: .badRequest)
        }
        try await accounts.requestPasswordReset(email: form["email"])
        let view: [String: Any] = ["sent": true, "notice": words.t("forgot_sent"), "errors": errors.view]
        return page("forgot", title: words.t("forgot_title"), view: view, request: request, context: context)
    }

    @Sendable func resetForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        let token = request.uri.queryParameters["token"].map(String.init) ?? ""
        guard try await accounts.passwordResetIsOpen(token) else {
            let view: [String: Any] = ["message": words.t("reset_expired"), "link": "/password/forgot", "linkLabel": words.t("forgot_title")]
            return page("message", title: words.t("reset_title"), view: view, request: request, context: context, status: .notFound)
        }
        return page("reset", title: words.t("reset_title"), view: ["token": token, "errors": FieldErrors().view], request: request, context: context)
    }

    @Sendable func reset(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        var errors = FieldErrors()
        if form.raw("password") != form.raw("password_confirmation") {
            errors.add("password_confirmation", words.t("issue_password_confirmation_mismatch"))
        }
        if errors.isEmpty {
            do {
                try await accounts.resetPassword(form["token"], newPassword: form.raw("password"))
                return redirect("/sign-in?reset=done", cookie: clearedSessionCookie)
            } catch DomainError.invalid(let issues) {
                add(issues, to: &errors, words: words, fields: ["password": "password", "new_password": "password", "token": "password"])
            } catch DomainError.notFound {
                let view: [String: Any] = ["message": words.t("reset_expired"), "link": "/password/forgot", "linkLabel": words.t("forgot_title")]
                return page("message", title: words.t("reset_title"), view: view, request: request, context: context, status: .notFound)
            }
        }
        let view: [String: Any] = ["token": form["token"], "errors": errors.view]
        return page("reset", title: words.t("reset_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    @Sendable func invitationForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        let token = request.uri.queryParameters["token"].map(String.init) ?? ""
        guard let invitation = try await accounts.invitation(token) else {
            let view: [String: Any] = ["message": words.t("invitation_expired")]
            return page("message", title: words.t("invitation_title"), view: view, request: request, context: context, status: .notFound)
        }
        return page("invitation", title: words.t("invitation_title"), view: invitationView(invitation, token: token, form: nil, errors: FieldErrors(), words: words, context: context), request: request, context: context)
    }

    func invitationView(
        _ invitation: AccountService.InvitationPreview, token: String, form: FormData?, errors: FieldErrors, words: Vocabulary, context: Context
    ) -> [String: Any] {
        [
            "token": token,
            "organization": words.text(invitation.organizationName),
            "role": words.t("role_\(invitation.role.rawValue)"),
            "email": invitation.email,
            "hasAccount": invitation.hasAccount,
            "signedIn": context.page.personName != nil,
            "name": form?["display_name"] ?? "",
            "errors": errors.view,
        ]
    }

    @Sendable func acceptInvitation(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        let token = form["token"]
        guard let invitation = try await accounts.invitation(token) else {
            let view: [String: Any] = ["message": words.t("invitation_expired")]
            return page("message", title: words.t("invitation_title"), view: view, request: request, context: context, status: .notFound)
        }
        var errors = FieldErrors()
        if invitation.hasAccount {
            let session = try signedIn(request, context)
            do {
                _ = try await accounts.acceptInvitation(token, as: session)
                return redirect("/account?done=joined")
            } catch DomainError.forbidden {
                errors.add("token", words.t("invitation_other_person"))
            }
        } else {
            if form.raw("password") != form.raw("password_confirmation") {
                errors.add("password_confirmation", words.t("issue_password_confirmation_mismatch"))
            }
            if errors.isEmpty {
                do {
                    let account = AccountService.NewAccount(email: invitation.email, name: form["display_name"], password: form.raw("password"), language: words.language)
                    let outcome = try await accounts.acceptInvitation(token, account: account, address: context.clientAddress, userAgent: request.headers[.userAgent] ?? "")
                    if let response = destination(after: outcome, next: "/account?done=joined") { return response }
                } catch DomainError.invalid(let issues) {
                    add(issues, to: &errors, words: words, fields: ["name": "display_name", "password": "password", "account.name": "display_name", "account.password": "password"])
                }
            }
        }
        let view = invitationView(invitation, token: token, form: form, errors: errors, words: words, context: context)
        return page("invitation", title: words.t("invitation_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    // MARK: - Owners: members and tokens

    /// One of the person's organizations, named in the path. Use cases act for the organization
    /// the person acts for now, so for another of theirs this answers "switch first" instead.
    func ownOrganization(_ request: Request, _ context: Context) throws -> Membership? {
        let session = try signedIn(request, context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let membership = session.memberships.first(where: { $0.organizationID == id }) else { throw PageError.notFound }
        return session.actingOrganizationID == id || context.caller.isAdmin ? membership : nil
    }

    /// Asks the person to act for the organization first (on the account page), then come back.
    func switchFirst(title: String, words: Vocabulary, request: Request, context: Context) -> Response {
        let view: [String: Any] = ["message": words.t("organization_switch_first"), "link": "/account", "linkLabel": words.t("account_title")]
        return page("message", title: title, view: view, request: request, context: context, status: .conflict)
    }

    func membersView(
        _ membership: Membership, context: Context, words: Vocabulary, form: FormData? = nil, errors: FieldErrors = FieldErrors(), notice: String = ""
    ) async throws -> [String: Any] {
        let people = try await accounts.members(of: membership.organizationID, by: context.caller).map { member -> [String: Any] in
            ["name": member.person.displayName, "email": member.person.email, "role": words.t("role_\(member.role.rawValue)")]
        }
        var view: [String: Any] = [
            "people": people,
            "hasPeople": !people.isEmpty,
            "id": membership.organizationID.lowercasedString,
            "organization": words.text(membership.organizationName),
            "email": form?["email"] ?? "",
            "roles": MembershipRole.allCases.map { role -> [String: Any] in
                ["value": role.rawValue, "label": words.t("role_\(role.rawValue)"), "selected": role.rawValue == (form?["role"] ?? "member")]
            },
            "errors": errors.view,
        ]
        if !notice.isEmpty { view["notice"] = notice }
        return view
    }

    @Sendable func membersForm(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("members_title"), words: words, request: request, context: context)
        }
        try accounts.requireMemberManagement(of: membership.organizationID, by: context.caller)
        let view = try await membersView(membership, context: context, words: words)
        return page("members", title: words.t("members_title"), view: view, request: request, context: context)
    }

    @Sendable func invite(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let session = try signedIn(request, context)
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("members_title"), words: words, request: request, context: context)
        }
        try accounts.requireMemberManagement(of: membership.organizationID, by: context.caller)
        var errors = FieldErrors()
        if let role = MembershipRole(rawValue: form["role"]) {
            do {
                try await accounts.invite(email: form["email"], role: role, to: membership.organizationID, by: session)
                let view = try await membersView(membership, context: context, words: words, notice: words.t("members_invited", form["email"]))
                return page("members", title: words.t("members_title"), view: view, request: request, context: context)
            } catch DomainError.invalid(let issues) {
                add(issues, to: &errors, words: words, fields: ["email": "email"])
            }
        } else {
            errors.add("role", words.t("issue_role_required"))
        }
        let view = try await membersView(membership, context: context, words: words, form: form, errors: errors)
        return page("members", title: words.t("members_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    func tokensView(_ membership: Membership, context: Context, words: Vocabulary, issued: String = "", form: FormData? = nil, errors: FieldErrors = FieldErrors()) async throws -> [String: Any] {
        let tokens = try await services.tokens.list(of: membership.organizationID, by: context.caller)
        return [
            "heading": words.t("tokens_title"), "lead": words.t("tokens_lead"), "caption": words.t("tokens_caption"),
            "base": "/organizations/\(membership.organizationID.lowercasedString)/tokens", "hasRoles": true,
            "organization": words.text(membership.organizationName),
            "tokens": tokens.map { token -> [String: Any] in
                [
                    "id": token.id.lowercasedString, "label": token.label, "created": Format.date(token.createdAt),
                    "role": words.t("role_\(token.role.rawValue)"),
                    "expires": token.expiresAt.map(Format.date) ?? words.t("tokens_never"),
                    "revoked": token.revokedAt.map(Format.date) ?? "", "active": token.revokedAt == nil,
                ]
            },
            "noTokens": tokens.isEmpty,
            "issued": Vocabulary.shown(issued),
            "label": form?["label"] ?? "",
            "roles": MembershipRole.allCases.map { role -> [String: Any] in
                [
                    "value": role.rawValue, "label": words.t("role_\(role.rawValue)"), "hint": words.t("tokens_role_\(role.rawValue)"),
                    "selected": role.rawValue == (form?["role"] ?? MembershipRole.member.rawValue),
                ]
            },
            "errors": errors.view,
        ]
    }

    @Sendable func tokensPage(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("tokens_title"), words: words, request: request, context: context)
        }
        return page("tokens", title: words.t("tokens_title"), view: try await tokensView(membership, context: context, words: words), request: request, context: context)
    }

    @Sendable func issueToken(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("tokens_title"), words: words, request: request, context: context)
        }
        var errors = FieldErrors()
        let label = form["label"]
        if label.isEmpty || label.count > 100 { errors.add("label", words.t("issue_label_required")) }
        let role = MembershipRole(rawValue: form["role"])
        if role == nil { errors.add("role", words.t("issue_role_required")) }
        guard errors.isEmpty, let role else {
            let view = try await tokensView(membership, context: context, words: words, form: form, errors: errors)
            return page("tokens", title: words.t("tokens_title"), view: view, request: request, context: context, status: .unprocessableContent)
        }
        let issued = try await services.tokens.issue(
            for: membership.organizationID, role: role, label: label, expiresAt: Date().addingTimeInterval(365 * 86_400), by: context.caller
        )
        let view = try await tokensView(membership, context: context, words: words, issued: issued.token)
        return page("tokens", title: words.t("tokens_title"), view: view, request: request, context: context)
    }

    @Sendable func revokeToken(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("tokens_title"), words: words, request: request, context: context)
        }
        guard let id = context.parameters.get("token").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        _ = try await services.tokens.revoke(id, by: context.caller)
        return redirect("/organizations/\(membership.organizationID.lowercasedString)/tokens")
    }

    // MARK: - Admins: every API token

    /// Every organization's tokens and the admin tokens, newest first, live ones before revoked
    /// and expired ones; any can be revoked from here.
    @Sendable func allTokensPage(_ request: Request, context: Context) async throws -> Response {
        _ = try signedIn(request, context)
        let words = try await words(context)
        let now = Date()
        let tokens = try await services.tokens.all(by: context.caller).sorted { a, b in
            let aLive = a.revokedAt == nil && (a.expiresAt ?? .distantFuture) > now
            let bLive = b.revokedAt == nil && (b.expiresAt ?? .distantFuture) > now
            return aLive != bLive ? aLive : a.createdAt > b.createdAt
        }
        let rows = tokens.map { token -> [String: Any] in
            let expired = (token.expiresAt ?? .distantFuture) <= now
            let revoked: String? = token.revokedAt.map { words.t("tokens_revoked") + " " + Format.date($0) }
            let state: String = revoked ?? words.t(expired ? "tokens_expired" : "tokens_active")
            let organization: [String: Any] = if let person = token.person {
                ["text": words.t("tokens_person_token", person.name, person.email)]
            } else if token.organizationID == nil {
                ["text": words.t("tokens_admin_token")]
            } else {
                words.text(token.organizationName)
            }
            var row: [String: Any] = ["id": token.id.lowercasedString, "label": token.label, "organization": organization]
            row["organizationID"] = token.organizationID?.lowercasedString ?? false
            row["created"] = Format.date(token.createdAt)
            row["expires"] = token.expiresAt.map(Format.date) ?? words.t("tokens_never")
            row["state"] = state
            row["canRevoke"] = token.revokedAt == nil && !expired
            return row
        }
        var view: [String: Any] = ["tokens": rows, "empty": tokens.isEmpty, "count": Format.integer(tokens.count)]
        if request.uri.queryParameters["done"] != nil { view["notice"] = words.t("tokens_done_revoked") }
        return page("admin-tokens", title: words.t("admin_tokens_title"), view: view, request: request, context: context)
    }

    @Sendable func revokeAnyToken(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        _ = try signedIn(request, context)
        guard let id = context.parameters.get("token").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        _ = try await services.tokens.revokeAny(id, by: context.caller)
        return redirect("/admin/tokens?done=revoked")
    }

    // MARK: - Admins: the verification queue

    @Sendable func verificationQueue(_ request: Request, context: Context) async throws -> Response {
        _ = try signedIn(request, context)
        let words = try await words(context)
        let queue = try await services.documents.verificationQueue(limit: 100, by: context.caller)
        var view: [String: Any] = [
            "organizations": queue.map { verificationCaseView($0, words: words) },
            "empty": queue.isEmpty,
        ]
        if request.uri.queryParameters["done"] != nil { view["notice"] = words.t("verification_done") }
        return page("verification", title: words.t("verification_title"), view: view, request: request, context: context)
    }

    func verificationCaseView(_ item: VerificationCase, words: Vocabulary) -> [String: Any] {
        let fields = item.organization.fields
        var summary = words.organizationSummary(item.organization)
        summary["bin"] = fields.bin
        summary["registered"] = Format.date(item.organization.createdAt)
        summary["legalForm"] = Vocabulary.shown(
            words.snapshot.legalForms.first { $0.code == fields.legalForm }?.name.preferred(words.language) ?? fields.legalForm
        )
        summary["reading"] = binReadingText(item.reading, words: words)
        summary["findings"] = item.findings.map { finding -> [String: Any] in
            ["text": words.t("finding_\(finding.code.rawValue)"), "concern": finding.isConcern]
        }
        summary["hasFindings"] = !item.findings.isEmpty
        summary["contacts"] = Vocabulary.shown(
            [fields.contactEmail, fields.contactPhone, fields.website].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        )
        summary["foundedYear"] = fields.foundedYear.map(String.init) ?? false
        summary["owners"] = item.owners.map { ["name": $0.displayName, "email": $0.email] }
        summary["hasOwners"] = !item.owners.isEmpty
        summary["documents"] = item.documents.map { documentView($0, words: words) }
        summary["hasDocuments"] = !item.documents.isEmpty
        return summary
    }

    /// What the number's digits say, in words: a legal entity's registration month, holder and
    /// unit, or that it is an individual's number.
    func binReadingText(_ reading: BINReading?, words: Vocabulary) -> String {
        switch reading {
        case nil:
            return words.t("bin_reading_unreadable")
        case let .legalEntity(year, month, holder, unit):
            return words.t(
                "bin_reading_legal_entity", String(format: "%04d-%02d", year, month), words.t("bin_holder_\(holder.rawValue)"),
                words.t("bin_unit_\(unit.rawValue)")
            )
        case .individual:
            // Not the birth date it holds: the admin needs the kind of number, not the person's age.
            return words.t("bin_reading_individual")
        }
    }

    // MARK: - Admins: people

    @Sendable func peoplePage(_ request: Request, context: Context) async throws -> Response {
        let session = try signedIn(request, context)
        let words = try await words(context)
        let search = String((FormData.query(of: request)["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        let found = try await accounts.people(search: search, limit: 200, by: context.caller)
        var view: [String: Any] = [
            "q": search,
            "people": found.map { entry -> [String: Any] in
                [
                    "id": entry.person.id.lowercasedString,
                    "name": entry.person.displayName,
                    "email": entry.person.email,
                    "admin": entry.person.isAdmin,
                    "totp": entry.person.totpEnabled,
                    "disabled": entry.person.disabled,
                    "self": entry.person.id == session.person.id,
                    "roles": entry.roles.map { role -> [String: Any] in
                        ["id": role.organizationID.lowercasedString, "name": words.text(role.name), "role": words.t("role_\(role.role.rawValue)")]
                    },
                    "hasRoles": !entry.roles.isEmpty,
                ]
            },
            "empty": found.isEmpty,
            "count": Format.integer(found.count),
        ]
        if let done = request.uri.queryParameters["done"].map(String.init), ["disabled", "enabled"].contains(done) {
            view["notice"] = words.t("people_done_\(done)")
        }
        return page("people", title: words.t("people_title"), view: view, request: request, context: context)
    }

    @Sendable func setPersonDisabled(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let session = try signedIn(request, context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), ["disable", "enable"].contains(form["action"]) else {
            throw PageError.badRequest
        }
        let disable = form["action"] == "disable"
        do {
            try await accounts.setDisabled(id, disable, by: session)
        } catch DomainError.conflict {
            let words = try await words(context)
            let view: [String: Any] = ["message": words.t("people_not_yourself"), "link": "/admin/people", "linkLabel": words.t("people_title")]
            return page("message", title: words.t("people_title"), view: view, request: request, context: context, status: .conflict)
        }
        return redirect("/admin/people?done=\(disable ? "disabled" : "enabled")")
    }

    @Sendable func verify(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        _ = try signedIn(request, context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let status = Verification(rawValue: form["status"]), status != .unverified else { throw PageError.badRequest }
        _ = try await accounts.verify(id, as: status, by: context.caller)
        return redirect("/admin/verification?done=1")
    }
}
