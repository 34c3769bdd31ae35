#include "urgent_contacts.hpp"

#include <algorithm>

namespace wellness::kiosk {

namespace {

std::string uri(std::string_view scheme, std::string_view number) {
    std::string digits;
    for (char c : number) {
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (c == '+' && digits.empty()) {
            digits += c;
        }
    }
    if (digits.empty() || digits == "+") {
        return {};
    }
    return std::string(scheme) + digits;
}

void add_number(UrgentContact& contact, ContactNumber::Kind kind, const std::string& number) {
    if (number.empty()) {
        return;
    }
    ContactNumber entry;
    entry.kind = kind;
    entry.number = number;
    entry.uri = kind == ContactNumber::Kind::call ? tel_uri(number) : sms_uri(number);
    if (!entry.uri.empty()) {
        contact.numbers.push_back(std::move(entry));
    }
}

// A provider's 24-hour number as a contact card: to call (Urgent help) or to text (a
// peer-support team's someone-to-talk-to card).
UrgentContact on_call_contact(const Provider& provider, const std::string& widget_prefix,
                              ContactNumber::Kind kind) {
    UrgentContact contact;
    contact.source = UrgentContact::Source::provider;
    contact.id = provider.id;
    contact.widget = widget_prefix + provider.id;
    contact.name = provider.name;
    contact.hours = provider.hours;
    add_number(contact, kind, provider.phone_24h);
    return contact;
}

int kind_rank(const std::string& kind) {
    if (kind == "peer-support") {
        return 0;
    }
    if (kind == "eap") {
        return 1;
    }
    return 2;
}

} // namespace

std::string tel_uri(std::string_view number) {
    return uri("tel:", number);
}

std::string sms_uri(std::string_view number) {
    return uri("sms:", number);
}

std::vector<UrgentContact> crisis_contacts(const ContentDocument& content) {
    std::vector<UrgentContact> contacts;
    for (const auto& line : content.crisis_lines) {
        UrgentContact contact;
        contact.source = UrgentContact::Source::crisis_line;
        contact.id = line.id;
        contact.widget = "crisis." + line.id;
        contact.name = line.name;
        contact.description = line.description;
        add_number(contact, ContactNumber::Kind::call, line.call);
        add_number(contact, ContactNumber::Kind::text, line.text);
        contacts.push_back(std::move(contact));
    }
    return contacts;
}

std::vector<UrgentContact> urgent_contacts(const ContentDocument& content) {
    std::vector<UrgentContact> contacts = crisis_contacts(content);
    std::vector<const Provider*> around_the_clock;
    for (const auto& provider : content.providers) {
        if (!provider.phone_24h.empty()) {
            around_the_clock.push_back(&provider);
        }
    }
    std::stable_sort(around_the_clock.begin(), around_the_clock.end(),
                     [](const Provider* a, const Provider* b) {
                         return kind_rank(a->kind) < kind_rank(b->kind);
                     });
    for (const Provider* provider : around_the_clock) {
        contacts.push_back(
            on_call_contact(*provider, "urgent.provider.", ContactNumber::Kind::call));
    }
    for (const auto& number : content.emergency_numbers) {
        UrgentContact contact;
        contact.source = UrgentContact::Source::emergency;
        contact.id = number.id;
        contact.widget = "urgent.emergency." + number.id;
        contact.name = number.name;
        contact.description = number.description;
        add_number(contact, ContactNumber::Kind::call, number.call);
        contacts.push_back(std::move(contact));
    }
    return contacts;
}

UrgentContact peer_support_contact(const Provider& team) {
    return on_call_contact(team, "peer.", ContactNumber::Kind::text);
}

std::string qr_widget(const UrgentContact& contact, const ContactNumber& number) {
    return "qr." + contact.widget + (number.kind == ContactNumber::Kind::call ? ".call" : ".text");
}

} // namespace wellness::kiosk
