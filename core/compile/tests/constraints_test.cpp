// Constraint extraction from parameter prose, Chinese and English. The phrasings come from the seed
// pages and the corpus; each test also checks what must NOT be extracted, because a wrong constraint
// becomes a wrong negative case.
#include "core/compile/constraints.hpp"

#include <gtest/gtest.h>

namespace popcheck::core {
namespace {

Param make(std::string name, std::string type, std::string description) {
  Param p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.description = std::move(description);
  extract_constraints(p);
  return p;
}

TEST(Constraints, Seed000TagKeyChinese) {
  Param p = make(
      "Tag.N.Key", "String",
      "资源的标签键。N 的取值范围：1~20。一旦传入该值，则不允许为空字符串。最多支持 64 个字符，"
      "不能以 aliyun 和 acs: 开头，不能包含 http:// 或者 https:// 。");
  ASSERT_TRUE(p.repeat);
  EXPECT_EQ(p.repeat->min, 1);
  EXPECT_EQ(p.repeat->max, 20);
  EXPECT_EQ(p.max_length, 64);
  EXPECT_FALSE(p.min_length);
  EXPECT_EQ(p.forbidden_prefixes, (std::vector<std::string>{"aliyun", "acs:"}));
  EXPECT_EQ(p.forbidden_substrings, (std::vector<std::string>{"http://", "https://"}));
  EXPECT_TRUE(p.non_empty);
  EXPECT_TRUE(p.allowed.empty());
  EXPECT_FALSE(p.minimum);
  EXPECT_FALSE(p.maximum);
}

TEST(Constraints, Seed000TagValueMayBeEmpty) {
  Param p =
      make("Tag.N.Value", "String",
           "资源的标签值。N 的取值范围：1~20。一旦传入该值，可以为空字符串。最多支持 128 个字符，"
           "不能以 aliyun 和 acs: 开头，不能包含 http:// 或者 https:// 。");
  EXPECT_FALSE(p.non_empty);
  EXPECT_EQ(p.max_length, 128);
  ASSERT_TRUE(p.repeat);
  EXPECT_EQ(p.repeat->max, 20);
}

TEST(Constraints, Seed000ResourceTypeBulletList) {
  Param p = make("ResourceType", "String",
                 "资源类型。取值范围：\n\n-   disk\n-   instance\n-   image\n-   securitygroup\n"
                 "-   snapshot\n\n以上取值均为小写。");
  EXPECT_EQ(p.allowed,
            (std::vector<std::string>{"disk", "instance", "image", "securitygroup", "snapshot"}));
  EXPECT_FALSE(p.repeat);
  EXPECT_FALSE(p.max_length);
}

TEST(Constraints, BulletValuesBeforeColonWithNotesBetween) {
  // Seed 004's RemovePolicy: a note sits between the bullets, a default value follows them.
  Param p =
      make("RemovePolicy", "String",
           "指定被移出实例的动作，可选值：\n\n-   recycle：实例进入停机不收费状态\n\n"
           "**说明：** 只在 **ScalingPolicy** 为 recycle 时生效。\n\n-   release：实例被释放\n\n"
           "默认值：release");
  EXPECT_EQ(p.allowed, (std::vector<std::string>{"recycle", "release"}));
}

TEST(Constraints, Seed001EnglishPhrasings) {
  Param rt = make("ResourceType", "String",
                  "The type of the resource. Valid values:\n• VPC: a VPC\n• VSWITCH: a vSwitch\n"
                  "• ROUTETABLE: a route table\n• EIP: an EIP\n• VpnGateway: a VPN gateway\n"
                  "• NATGATEWAY: a NAT gateway");
  EXPECT_EQ(rt.allowed, (std::vector<std::string>{"VPC", "VSWITCH", "ROUTETABLE", "EIP",
                                                  "VpnGateway", "NATGATEWAY"}));

  Param id =
      make("ResourceId.N", "String", "The ID of the resource. You can specify up to 20 IDs.");
  ASSERT_TRUE(id.repeat);
  EXPECT_EQ(id.repeat->min, 1);
  EXPECT_EQ(id.repeat->max, 20);

  Param key = make(
      "Tag.N.Key", "String",
      "The key of the tag that is added to the resource. You can specify at most 20 tag keys. The tag "
      "value cannot be an empty string.\n\nThe key cannot exceed 64 characters in length, and can "
      "contain digits, periods (.), underscores (_), and hyphens (-). The key must start with a letter "
      "but cannot start with aliyun or acs:. The key cannot contain http:// or https://.");
  ASSERT_TRUE(key.repeat);
  EXPECT_EQ(key.repeat->max, 20);
  EXPECT_EQ(key.max_length, 64);
  EXPECT_EQ(key.forbidden_prefixes, (std::vector<std::string>{"aliyun", "acs:"}));
  EXPECT_EQ(key.forbidden_substrings, (std::vector<std::string>{"http://", "https://"}));
  EXPECT_TRUE(key.non_empty);

  Param value =
      make("Tag.N.Value", "String",
           "You can specify at most 20 tag values. The tag value can be an empty string.\n\n"
           "The tag value cannot exceed 128 characters in length.");
  EXPECT_FALSE(value.non_empty);
  EXPECT_EQ(value.max_length, 128);
}

TEST(Constraints, RepeatRangeSpellings) {
  auto max_of = [](const std::string& name, const std::string& d) {
    Param p = make(name, "RepeatList", d);
    return p.repeat ? p.repeat->max : std::optional<int>{-1};
  };
  EXPECT_EQ(max_of("InstanceId.N", "实例ID。N的取值范围：1~100。"), 100);
  EXPECT_EQ(
      max_of("InstanceType.N", "N 的取值范围：1-10，即一个伸缩配置内最多可以设置 10 种实例规格。"),
      10);
  EXPECT_EQ(max_of("VSwitchIds.N", "N 的取值范围为 \\[1, 5\\]。"), 5);
  EXPECT_EQ(max_of("ScalingGroupId.N", "伸缩组 ID。最多可以输入 20 个。"), 20);
  EXPECT_EQ(max_of("InstanceId.N", "The IDs. Valid values of N: 1 to 100."), 100);
  EXPECT_EQ(max_of("EventId.N", "The event IDs. N: \\[1, 100\\]. The IDs must be different."), 100);
  EXPECT_EQ(max_of("EventId.N", "The value range of N in EventId.N must be \\[1, 100\\]."), 100);
  EXPECT_EQ(max_of("KeyPairName.N", "You can specify up to 100 key pair names."), 100);
  // A .N name with no stated range still has the repeat structure, unbounded.
  Param p = make("SecurityGroupIds.N", "RepeatList", "The IDs of the security groups.");
  ASSERT_TRUE(p.repeat);
  EXPECT_FALSE(p.repeat->max);
  // "up to" counting a quantity rather than list members is not the range of N.
  Param q =
      make("DataDisk.N.PerformanceLevel", "String",
           "The performance level. A single ESSD can deliver up to 10,000 random read/write IOPS. "
           "A cloud disk delivers up to 500 MB/s.");
  ASSERT_TRUE(q.repeat);
  EXPECT_FALSE(q.repeat->max);
  // A name without .N has no repeat, even when the text says "up to".
  EXPECT_FALSE(make("Name", "String", "You can specify up to 20 names.").repeat);
}

TEST(Constraints, LengthSpellings) {
  Param a = make("InstanceName", "String",
                 "实例名称。长度为 \\[2, 128\\] 个英文或中文字符。必须以大小字母或中文开头，"
                 "不能以 http:// 和 https:// 开头。");
  EXPECT_EQ(a.min_length, 2);
  EXPECT_EQ(a.max_length, 128);
  EXPECT_EQ(a.forbidden_prefixes, (std::vector<std::string>{"http://", "https://"}));

  Param b =
      make("Password", "String", "实例的密码。长度为 8 至 30 个字符，必须同时包含大小写英文字母。");
  EXPECT_EQ(b.min_length, 8);
  EXPECT_EQ(b.max_length, 30);

  Param c = make("Description", "String",
                 "The description must be 2 to 256 characters in length and cannot start with "
                 "`http://` or `https://`.");
  EXPECT_EQ(c.min_length, 2);
  EXPECT_EQ(c.max_length, 256);
  EXPECT_EQ(c.forbidden_prefixes, (std::vector<std::string>{"http://", "https://"}));

  Param c2 =
      make("Tag.N.Key", "String",
           "It can be up to 128 characters in length and cannot start with `acs:` or `aliyun`. It "
           "cannot contain `http://` or`https://`.");
  EXPECT_EQ(c2.forbidden_prefixes, (std::vector<std::string>{"acs:", "aliyun"}));
  EXPECT_EQ(c2.forbidden_substrings, (std::vector<std::string>{"http://", "https://"}));
  EXPECT_EQ(c2.max_length, 128);

  Param d = make("ClientToken", "String", "只支持ASCII字符，且不能超过64个字符。");
  EXPECT_EQ(d.max_length, 64);
  EXPECT_FALSE(d.min_length);

  Param e = make("Name", "String", "The name must be 2-40 characters (English or Chinese) long.");
  EXPECT_EQ(e.min_length, 2);
  EXPECT_EQ(e.max_length, 40);
}

TEST(Constraints, BulletsDoNotBindTheParameter) {
  // Limits stated for the parts of a JSON-valued parameter, or for special cases, are not limits of
  // the parameter's own value.
  Param p = make(
      "Tags", "String",
      "实例标签。Key 和 Value 的使用要求如下：\n\n-   Key 最多支持 64 个字符，不支持以 aliyun、"
      "http:// 和 https:// 开头。一旦使用标签，Key 不允许为空字符串。\n-   Value 最多支持 128 "
      "个字符。");
  EXPECT_FALSE(p.max_length);
  EXPECT_TRUE(p.forbidden_prefixes.empty());
  EXPECT_FALSE(p.non_empty);
  // Category names over a numeric parameter are a table of ranges, not allowed values.
  Param q =
      make("SystemDisk.Size", "Integer",
           "系统盘大小，单位：GB。取值范围：\n\n-   cloud：40-500\n-   cloud_efficiency：40-500\n");
  EXPECT_TRUE(q.allowed.empty());
  // Numeric values on a numeric parameter are fine.
  Param r = make("Period", "Integer", "Valid values:\n\n-   60\n-   600\n-   3600");
  EXPECT_EQ(r.allowed, (std::vector<std::string>{"60", "600", "3600"}));
}

TEST(Constraints, ConflictingLimitsCancel) {
  // Two different maxima for different cases: neither is safe to test against.
  Param p =
      make("HostName", "String",
           "For Windows instances, the hostname must be 2 to 15 characters in length. For Linux "
           "instances, the hostname must be 2 to 64 characters in length.");
  EXPECT_FALSE(p.max_length);
}

TEST(Constraints, DescriptiveWordsAreNotLiterals) {
  Param p = make(
      "Name", "String",
      "It cannot start with a digit and cannot contain periods (.). 不能以点号（.）或短横线（-）开头。"
      " It cannot contain consecutive periods.");
  EXPECT_TRUE(p.forbidden_prefixes.empty());
  EXPECT_TRUE(p.forbidden_substrings.empty());
}

TEST(Constraints, NumericRangesOnlyForNumbers) {
  Param i = make("Period", "Integer", "购买资源的时长。取值范围：1~9。");
  EXPECT_EQ(i.minimum, 1.0);
  EXPECT_EQ(i.maximum, 9.0);
  Param j = make("PageSize", "Integer", "Valid values: 1 to 100. Default value: 10.");
  EXPECT_EQ(j.minimum, 1.0);
  EXPECT_EQ(j.maximum, 100.0);
  Param k = make("MaxResults", "Integer", "Maximum value: 500.");
  // Commas separate range bounds only inside brackets: "0, 1, 2" is a list.
  Param spot = make("SpotDuration", "Integer", "Valid values: 0, 1, 2, 3, 4, 5, and 6.");
  EXPECT_FALSE(spot.maximum);
  EXPECT_EQ(spot.allowed.size(), 7u);
  Param size = make("MaxSize", "Integer", "取值范围：\\[0, 1000\\]。");
  EXPECT_EQ(size.maximum, 1000.0);
  EXPECT_TRUE(size.allowed.empty());
  EXPECT_EQ(k.maximum, 500.0);
  EXPECT_FALSE(k.minimum);
  // The same words on a string parameter are not a numeric range.
  Param s = make("Zone", "String", "取值范围：1~9。");
  EXPECT_FALSE(s.minimum);
  EXPECT_FALSE(s.maximum);
  // The range of N is not the range of the value.
  Param n = make("DataDisk.N.Size", "Integer", "Valid values of N: 1 to 16.");
  EXPECT_FALSE(n.maximum);
}

TEST(Constraints, InlineEnumerations) {
  Param p = make("NetworkType", "String", "网络类型。取值范围：classic、vpc。");
  EXPECT_EQ(p.allowed, (std::vector<std::string>{"classic", "vpc"}));
  Param q = make("Status", "String", "Valid values: Running, Stopped, and Pending.");
  EXPECT_EQ(q.allowed, (std::vector<std::string>{"Running", "Stopped", "Pending"}));
  // Prose after the keyword is not an enumeration.
  Param r = make("Action", "String", "系统规定参数。取值：RemoveTags");
  EXPECT_TRUE(r.allowed.empty());
  // A bullet that is not a clean token drops the whole list.
  Param s = make("Mode", "String", "Valid values:\n- Local SSD disks: fast\n- cloud: slow");
  EXPECT_TRUE(s.allowed.empty());
}

TEST(Constraints, NonEmptyOnlyForTheEmptyStringPhrasing) {
  EXPECT_TRUE(make("K", "String", "一旦传入该值，则不允许为空字符串。").non_empty);
  EXPECT_TRUE(make("K", "String", "The tag key cannot be an empty string.").non_empty);
  // A conditional "must be given" is not a statement about the empty string.
  EXPECT_FALSE(make("K", "String", "当 Type 为 custom 时，该参数不能为空。").non_empty);
  EXPECT_FALSE(make("K", "String", "If Type is custom, this parameter cannot be empty.").non_empty);
  EXPECT_FALSE(make("K", "String", "The tag value can be an empty string.").non_empty);
}

TEST(Constraints, MetadataValuesAreKept) {
  Param p;
  p.name = "Tag.N.Key";
  p.description = "最多支持 64 个字符。";
  p.max_length = 128;
  p.allowed = {"x"};
  extract_constraints(p);
  EXPECT_EQ(p.max_length, 128);
  EXPECT_EQ(p.allowed, (std::vector<std::string>{"x"}));
}

}  // namespace
}  // namespace popcheck::core
