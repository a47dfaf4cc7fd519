import Domain
import Foundation
import Hummingbird
import UseCases

/// The documents an organization gives for its verification: its owners upload and remove them;
/// its people and admins download them.
extension AccountPages {
    /// The organization a documents page is about: one the person acts for, or, for an admin
    /// (who comes from the verification queue), any.
    struct DocumentsOwner {
        let id: UUID
        let name: LocalizedText
    }

    func documentsOwner(_ request: Request, _ context: Context) async throws -> DocumentsOwner? {
        if context.caller.isAdmin {
            _ = try signedIn(request, context)
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
            do {
                return DocumentsOwner(id: id, name: try await services.organizations.find(id, by: context.caller).organization.fields.name)
            } catch DomainError.notFound {
                throw PageError.notFound
            }
        }
        return try ownOrganization(request, context).map { DocumentsOwner(id: $0.organizationID, name: $0.organizationName) }
    }

    func documentsView(
        _ owner: DocumentsOwner, context: Context, words: Vocabulary, kind: String = "", errors: FieldErrors = FieldErrors(), notice: String = ""
    ) async throws -> [String: Any] {
        let id = owner.id.lowercasedString
        let shelf = try await services.documents.list(of: owner.id, by: context.caller)
        var view: [String: Any] = [
            "id": id,
            "organization": words.text(owner.name),
            "backLink": context.caller.isAdmin ? "/admin/verification" : "/account",
            "backLabel": words.t(context.caller.isAdmin ? "verification_title" : "account_title"),
            "lead": words.t(context.caller.isAdmin ? "documents_lead_admin" : "documents_lead"),
            "documents": shelf.documents.map { documentView($0, words: words) },
            "none": shelf.documents.isEmpty,
            "kinds": DocumentKind.allCases.map { option -> [String: Any] in
                ["value": option.rawValue, "label": words.t("document_kind_\(option.rawValue)"), "selected": option.rawValue == kind]
            },
            "canChange": shelf.mayUpload,
            "canRemove": shelf.mayRemove,
            "errors": errors.view,
        ]
        if !notice.isEmpty { view["notice"] = notice }
        return view
    }

    func documentView(_ document: OrganizationDocument, words: Vocabulary) -> [String: Any] {
        [
            "id": document.id.lowercasedString,
            "href": "/organizations/\(document.organizationID.lowercasedString)/documents/\(document.id.lowercasedString)",
            "kind": words.t("document_kind_\(document.kind.rawValue)"),
            "name": document.fileName,
            "size": words.t("document_size_kb", Format.integer(max(1, (document.byteCount + 1023) / 1024))),
            "type": document.contentType == "application/pdf" ? "PDF" : document.contentType == "image/png" ? "PNG" : "JPEG",
            "uploaded": Format.date(document.uploadedAt),
            "by": document.uploadedByName ?? "—",
            "sha256": document.sha256,
        ]
    }

    @Sendable func documentsPage(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard let owner = try await documentsOwner(request, context) else {
            return switchFirst(title: words.t("documents_title"), words: words, request: request, context: context)
        }
        let done = request.uri.queryParameters["done"].map(String.init)
        let notice = done == "uploaded" ? words.t("documents_done_uploaded") : done == "removed" ? words.t("documents_done_removed") : ""
        let view = try await documentsView(owner, context: context, words: words, notice: notice)
        return page("documents", title: words.t("documents_title"), view: view, request: request, context: context)
    }

    @Sendable func uploadDocument(_ request: Request, context: Context) async throws -> Response {
        // Who is asking is settled before megabytes of body are read (a post without the CSRF
        // cookie is refused first, as every form is).
        _ = try MultipartForm.csrfCookie(of: request)
        let session = try signedIn(request, context)
        let words = try await words(context)
        guard let owner = try await documentsOwner(request, context) else {
            return switchFirst(title: words.t("documents_title"), words: words, request: request, context: context)
        }
        try services.documents.requireUploadRight(to: owner.id, by: context.caller)
        // Room for the largest document and the form around it.
        let limit = DocumentRules.maxBytes + 64 * 1024
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            var errors = FieldErrors()
            errors.add("file", words.t("issue_file_too_large"))
            let view = try await documentsView(owner, context: context, words: words, errors: errors)
            return page("documents", title: words.t("documents_title"), view: view, request: request, context: context, status: .contentTooLarge)
        }
        let form = try await MultipartForm.read(request, context: context, maxBytes: limit)
        let file = form.files["file"]
        var errors = FieldErrors()
        do {
            _ = try await services.documents.upload(
                to: owner.id, kind: form["kind"], fileName: file?.fileName ?? "", content: file?.bytes ?? [],
                person: session.person.id, by: context.caller
            )
            return redirect("/organizations/\(owner.id.lowercasedString)/documents?done=uploaded")
        } catch DomainError.invalid(let issues) {
            add(issues, to: &errors, words: words, fields: [:])
        } catch DomainError.conflict {
            errors.add("file", words.t("issue_file_too_many_documents", String(DocumentRules.maxPerOrganization)))
        }
        let view = try await documentsView(owner, context: context, words: words, kind: form["kind"], errors: errors)
        return page("documents", title: words.t("documents_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    @Sendable func removeDocument(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let owner = try await documentsOwner(request, context) else {
            return switchFirst(title: words.t("documents_title"), words: words, request: request, context: context)
        }
        guard let id = context.parameters.get("document").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        do {
            try await services.documents.delete(id, of: owner.id, by: context.caller)
        } catch DomainError.conflict {
            var view = try await documentsView(owner, context: context, words: words)
            view["problem"] = words.t("documents_kept_after_verification")
            return page("documents", title: words.t("documents_title"), view: view, request: request, context: context, status: .conflict)
        }
        return redirect("/organizations/\(owner.id.lowercasedString)/documents?done=removed")
    }

    /// The file itself, for the organization's people and admins (the verification queue links
    /// here): always a download, never shown inline, so a crafted file cannot run as a page.
    @Sendable func downloadDocument(_ request: Request, context: Context) async throws -> Response {
        _ = try signedIn(request, context)
        guard let organization = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let id = context.parameters.get("document").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        let found: (document: OrganizationDocument, content: Data)
        do {
            found = try await services.documents.content(id, of: organization, by: context.caller)
        } catch DomainError.notFound {
            throw PageError.notFound
        }
        let name = found.document.fileName
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_"))) ?? ascii
        var headers = HTTPFields()
        headers[.contentType] = found.document.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
        headers[.cacheControl] = "private, no-store"
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: found.content)))
    }
}
