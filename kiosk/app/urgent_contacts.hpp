#pragma once

// What Urgent help lists, in order, and the QR payload of each number. Pure: built from the
// content alone, so every person sees the same numbers and the QR codes carry the same bytes
// for everyone (tel: / sms: URIs with the number's digits, nothing else).

#include "wellness/content.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace wellness::kiosk {

struct ContactNumber {
    enum class Kind { call, text };
    Kind kind = Kind::call;
    std::string number; // as content writes it, shown in large text
    std::string uri;    // "tel:18002675463" / "sms:988", the QR's payload
};

struct UrgentContact {
    enum class Source { crisis_line, provider, emergency };
    Source source = Source::crisis_line;
    std::string id; // the content id
    std::string
        widget; // the test id of its card: crisis.ID, urgent.provider.ID, urgent.emergency.ID
    LocalizedText name;
    LocalizedText description;
    LocalizedText hours; // providers only
    std::vector<ContactNumber> numbers;
};

// "tel:" / "sms:" followed by the number's digits, with a leading '+' kept; "" when the number
// has no digit.
std::string tel_uri(std::string_view number);
std::string sms_uri(std::string_view number);

// The crisis lines (in content order).
std::vector<UrgentContact> crisis_contacts(const ContentDocument& content);
// Urgent help: the crisis lines, then the providers' 24-hour numbers (peer support first, then
// the EAP, then the others, each kind in content order), then the emergency numbers.
std::vector<UrgentContact> urgent_contacts(const ContentDocument& content);

// A peer-support team's "someone to talk to" card: its on-call (24-hour) number as a text
// number, whose QR is sms: and the digits (widget "peer.ID"); no numbers without an on-call one.
UrgentContact peer_support_contact(const Provider& team);

// The QR widget's test id of one number of a contact: "qr." + widget + ".call" / ".text".
std::string qr_widget(const UrgentContact& contact, const ContactNumber& number);

} // namespace wellness::kiosk
