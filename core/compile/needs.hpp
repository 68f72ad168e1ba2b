#pragma once
// The needs vocabulary (docs/needs.md), written once: the resources a case may need, their id
// parameters and prefixes, their attributes with the allowed values and defaults, and which id
// parameter of which product names which resource. The case generator writes needs in these words;
// the emulator provisions them and looks resources up by the same words, so the two never drift.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace popcheck::core::needs {

enum class AttrType { text, boolean, integer, tags, reference };

struct Attribute {
  std::string_view name;  // "Status"
  AttrType type;
  // text: the allowed values, the default first (empty: any text). boolean/integer: one value, the
  // default ("false", "100").
  std::span<const std::string_view> values;
};

struct Resource {
  std::string_view name;         // "instance"
  std::string_view id_param;     // "InstanceId"; empty when requests never name it by itself
  std::string_view id_prefix;    // "i-"
  std::string_view description;  // "an ECS instance"
  std::span<const Attribute> attributes;  // RegionId and Tags included where they apply
  bool tags_only = false;                 // a resource that carries nothing but tags
  std::string_view product = {};          // "Ecs", "Vpc", "Ess": whose resource it is
};

// The taggable resource of a product that a ResourceType value names, in any case ("VPC" -> the
// vpc resource of Vpc); nullptr when the product has none of that name.
const Resource* tagged_resource(std::string_view product, std::string_view type_value);

// Every resource of the vocabulary, in the order of docs/needs.md.
std::span<const Resource> resources();
// The resource of that name; nullptr when it is not in the vocabulary.
const Resource* find(std::string_view name);
// An attribute of a resource; nullptr when the resource does not have it.
const Attribute* attribute(const Resource& r, std::string_view name);
// A text attribute's values in the order the generator tries them when it needs a value outside an
// allowed set ("Running", "Stopped", "Starting", "Stopping", "Pending"); empty when it has none.
std::span<const std::string_view> values_of(std::string_view resource, std::string_view attribute);

// The prefix of generated ids of a kind: a vocabulary resource's, the internal kinds' ("activity":
// "asa-", "loadbalancer": "lb-", "dbinstance": "rm-"), else kind + "-".
std::string id_prefix(std::string_view kind);

// Products whose APIs the whole vocabulary describes (ECS, VPC, ESS). Other products share only the
// network resources every product refers to (VPCs, vSwitches, security groups); their own resources
// are generic kinds.
bool vocabulary_product(std::string_view product);

// The vocabulary resource an id parameter (by its root, "InstanceId") names in a product's API;
// nullopt when none.
std::optional<std::string> resource_of_id_param(std::string_view product, std::string_view root);
// A ResourceType value ("snapshot", "VPC", "VpnGateway") as a resource of the vocabulary, for a
// product's tagging APIs; nullopt when none.
std::optional<std::string> resource_of_type_value(std::string_view product, std::string_view value);

// Generic kinds: any other resource a product's API names by an id parameter, "<Product>:<Name>"
// from a parameter "<Name>Id" ("Slb:LoadBalancer" from Slb's LoadBalancerId). Provisioned with the
// attributes RegionId, Like (an example id whose shape the new id takes) and Tags. The kind of a
// product's "ResourceId" ("Slb:Resource") stands for any resource of that product.
bool is_generic_kind(std::string_view kind);
std::string generic_kind(std::string_view product, std::string_view id_root);
// The kind an id parameter names (one segment ending in "Id", a list "X.N" included): the
// vocabulary resource, else the generic kind; nullopt when the name is no id (RegionId included).
// "ResourceId" names what `resource_type` (the request's ResourceType, when it has one) says; in a
// vocabulary product a type outside the vocabulary names nothing the emulator knows: nullopt.
std::optional<std::string> id_kind(std::string_view product, std::string_view param_name,
                                   const std::string* resource_type = nullptr);

// "an ECS instance", "a Slb LoadBalancer": what a resource is, for descriptions.
std::string describe(std::string_view resource);

}  // namespace popcheck::core::needs
