#pragma once
// The closed vocabularies of the model (core/model.hpp) as enums, and the one classifier of
// documented parameter types.
//
// The enums are converted to and from their strings only where a file is read or written: the
// catalogue (core/model.cpp), results.json (reports/), the --kind flag. Everywhere else code
// compares enum values. `..._from_string` returns nullopt for a string outside the vocabulary; the
// reader that called it turns that into an error naming the file and the field.
//
// Parameter types are open-ended: documents invent spellings ("Integer", "Long", "int32", "Array of
// Region", "Configuration"). A ParamType keeps the documented spelling (what the catalogue writes
// back, byte for byte) and its TypeClass, decided once by classify_type when it is made.
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace popcheck::core {

// Case.kind (docs/catalogue.md): a documented request example, one documented error row, a
// constraint no error row names, a case derived from a recording (cases from-fixtures). `observed`
// is never in a catalogue: it is the kind of the results the validating proxy writes for the
// exchanges it saw (proxy/validate.hpp).
enum class CaseKind { example, error, negative, recorded, observed };
std::string_view to_string(CaseKind k);
std::optional<CaseKind> case_kind_from_string(std::string_view s);  // exact spelling
// "example, error, negative, recorded, observed": for messages naming what a field may hold.
std::string_view case_kind_names();
inline std::ostream& operator<<(std::ostream& o, CaseKind k) { return o << to_string(k); }

// Expect.shape: what a response body is compared with. `example`: the documented example in the
// requested format; `contract`: the response tree; `error`: a well-formed error body; `snapshot`:
// the recorded body in Expect.snapshot (core/check/snapshot.hpp); `none`: no shape check.
enum class Shape { example, contract, error, snapshot, none };
std::string_view to_string(Shape s);
std::optional<Shape> shape_from_string(std::string_view s);  // exact spelling
std::string_view shape_names();
inline std::ostream& operator<<(std::ostream& o, Shape s) { return o << to_string(s); }

// ResponseNode.type: the JSON type of a response field, normalised from its documented spelling
// ("String" -> string, "Array of Region" -> array). `any`: untyped, constrains nothing; written "".
enum class ValueType { any, object, array, string, integer, number, boolean };
std::string_view to_string(ValueType t);
std::optional<ValueType> value_type_from_string(std::string_view s);  // exact; "" is any
std::string_view value_type_names();
inline std::ostream& operator<<(std::ostream& o, ValueType t) { return o << to_string(t); }

// What a documented parameter type says about the value on the wire.
enum class TypeClass {
  unspecified,  // the document gives no type: read as a string
  string,       // String, str, char
  integer,      // Integer, Long, int, int32, int64, short, byte
  number,       // Float, Double, Number, decimal, BigDecimal
  boolean,      // Boolean, bool
  date,         // Date, DateTime: one scalar text
  json,         // Json: one value holding a JSON text
  list,         // RepeatList, Array, List, "Array of X", "List<X>", "X[]": Name.N items
  object,       // Object, Struct, Map, and any other word: a structure named by the document
                // ("Configuration", a struct of a further table), flattened below its name
};

// The one classifier: a documented spelling, in any case and with surrounding spaces, from pages
// (String, Integer, Long, Boolean, Float, Double, RepeatList, Array of X, Object, Json, Date...) and
// metadata (string, integer, number, boolean, array, object; int32, int64, double as formats).
TypeClass classify_type(std::string_view documented);
// Whether `word` (any case) is one of the type names the classifier knows ("String", "long",
// "RepeatList", "Map"...): the page readers' test of "is this word a type".
bool is_type_name(std::string_view word);

// The response type of a documented spelling: a list is an array; a structure, a date, a JSON text
// and an untyped field are objects, as the page readers have always read them.
ValueType response_type_of(TypeClass c);

// Integer or number.
constexpr bool is_numeric(TypeClass c) { return c == TypeClass::integer || c == TypeClass::number; }
// One scalar value on the wire (a JSON text is one value too).
constexpr bool is_scalar(TypeClass c) { return c != TypeClass::list && c != TypeClass::object; }

// The type of a Param: the documented spelling and its class.
class ParamType {
 public:
  ParamType() = default;
  // A documented spelling is a type: readers assign the text they read (`p.type = cell`).
  ParamType(std::string documented)  // NOLINT(google-explicit-constructor)
      : spelling_(std::move(documented)), class_(classify_type(spelling_)) {}
  ParamType(const char* documented) : ParamType(std::string(documented)) {}  // NOLINT

  TypeClass cls() const { return class_; }
  const std::string& spelling() const { return spelling_; }  // as documented; "" when undocumented
  bool empty() const { return spelling_.empty(); }

  bool numeric() const { return is_numeric(class_); }
  bool scalar() const { return is_scalar(class_); }
  bool operator==(TypeClass c) const { return class_ == c; }
  bool operator==(const ParamType& o) const { return spelling_ == o.spelling_; }
  // Code compares classes, never spellings: `p.type == "Long"` does not compile.
  bool operator==(const char*) const = delete;
  bool operator==(const std::string&) const = delete;

 private:
  std::string spelling_;
  TypeClass class_ = TypeClass::unspecified;
};

inline std::ostream& operator<<(std::ostream& o, const ParamType& t) { return o << t.spelling(); }

}  // namespace popcheck::core
