/// The resources every get-by-id and listing returns, written as bytes: JSONEncoder took a third
/// of the service's own CPU time per `GET /v1/organizations/{id}` (profiled under 16 clients on
/// `asar seed --synthetic 100000`). Keys are written in the sorted snake_case order the encoder
/// uses; JSONBytesTests holds each writer to the encoder's bytes.

extension LocalizedTextResource {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        for (key, value) in [("en" as StaticString, en), ("kk", kk), ("ru", ru)] {
            guard let value else { continue }
            json.key(key)
            json.string(value)
        }
        json.endObject()
    }
}

extension OrganizationResource: JSONBytesWritable {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("active")
        json.bool(active)
        if let annualBudgetKzt {
            json.key("annual_budget_kzt")
            json.number(Int(annualBudgetKzt))
        }
        if let annualCsrBudgetKzt {
            json.key("annual_csr_budget_kzt")
            json.number(Int(annualCsrBudgetKzt))
        }
        json.key("bin")
        json.string(bin)
        if let contact {
            json.key("contact")
            json.beginObject()
            if let email = contact.email {
                json.key("email")
                json.string(email)
            }
            if let phone = contact.phone {
                json.key("phone")
                json.string(phone)
            }
            json.endObject()
        }
        json.key("created_at")
        json.timestamp(createdAt)
        if let deactivatedAt {
            json.key("deactivated_at")
            json.timestamp(deactivatedAt)
        }
        json.key("description")
        json.string(description)
        json.key("focus_areas")
        json.strings(focusAreas)
        if let foundedYear {
            json.key("founded_year")
            json.number(foundedYear)
        }
        json.key("id")
        json.string(id)
        if let jurisdiction {
            json.key("jurisdiction")
            json.string(jurisdiction)
        }
        json.key("kind")
        json.string(kind)
        json.key("legal_form")
        json.string(legalForm)
        if let level {
            json.key("level")
            json.string(level)
        }
        if let maxActivePartnerships {
            json.key("max_active_partnerships")
            json.number(maxActivePartnerships)
        }
        json.key("name")
        name.write(to: &json)
        json.key("nationwide")
        json.bool(nationwide)
        json.key("regions")
        json.strings(regions)
        json.key("seeking")
        json.strings(seeking)
        if let staffCount {
            json.key("staff_count")
            json.number(staffCount)
        }
        json.key("updated_at")
        json.timestamp(updatedAt)
        json.key("verification")
        json.string(verification)
        if let website {
            json.key("website")
            json.string(website)
        }
        json.endObject()
    }
}

extension ProjectResource: JSONBytesWritable {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("beneficiaries")
        json.number(beneficiaries)
        json.key("created_at")
        json.timestamp(createdAt)
        json.key("duration_months")
        json.number(durationMonths)
        json.key("focus_areas")
        json.strings(focusAreas)
        json.key("funding_needed_kzt")
        json.number(Int(fundingNeededKzt))
        json.key("id")
        json.string(id)
        json.key("in_kind_needs")
        json.strings(inKindNeeds)
        json.key("organization_id")
        json.string(organizationId)
        json.key("regions")
        json.strings(regions)
        json.key("status")
        json.string(status)
        json.key("summary")
        summary.write(to: &json)
        json.key("title")
        title.write(to: &json)
        json.key("updated_at")
        json.timestamp(updatedAt)
        json.endObject()
    }
}

extension PageResource: JSONBytesWritable where Item: JSONBytesWritable {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in items { item.write(to: &json) }
        json.endArray()
        json.key("next_cursor")
        if let nextCursor { json.string(nextCursor) } else { json.null() }
        json.endObject()
    }
}
