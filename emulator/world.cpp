// The built-in world of the emulator (state.hpp: default_state).
#include "emulator/state.hpp"

namespace popcheck::emulator {

State default_state() {
  State s;
  // The public regions of ECS, VPC and ESS (their metadata's endpoint lists).
  s.regions = {"cn-qingdao",
               "cn-beijing",
               "cn-zhangjiakou",
               "cn-huhehaote",
               "cn-wulanchabu",
               "cn-hangzhou",
               "cn-shanghai",
               "cn-nanjing",
               "cn-fuzhou",
               "cn-shenzhen",
               "cn-heyuan",
               "cn-guangzhou",
               "cn-chengdu",
               "cn-wuhan-lr",
               "cn-hongkong",
               "ap-northeast-1",
               "ap-northeast-2",
               "ap-southeast-1",
               "ap-southeast-2",
               "ap-southeast-3",
               "ap-southeast-5",
               "ap-southeast-6",
               "ap-southeast-7",
               "ap-south-1",
               "us-east-1",
               "us-west-1",
               "eu-west-1",
               "eu-central-1",
               "me-east-1",
               "me-central-1",
               "cn-shanghai-finance-1",
               "cn-shenzhen-finance-1",
               "cn-beijing-finance-1",
               "cn-hangzhou-finance",
               "cn-zhengzhou-jva",
               "cn-north-2-gov-1"};
  auto add_instance = [&](const std::string& id, const std::string& region,
                          const std::string& status) {
    Instance i;
    i.id = id;
    i.region = region;
    i.status = status;
    s.instances[id] = i;
    Disk system;
    system.id = "d-sys-" + id.substr(2);
    system.region = region;
    system.instance_id = id;
    system.type = "system";
    system.portable = false;
    system.status = "In_use";
    s.disks[system.id] = system;
  };
  auto add_disk = [&](const std::string& id, const std::string& region,
                      const std::string& instance) {
    Disk d;
    d.id = id;
    d.region = region;
    d.instance_id = instance;
    d.status = instance.empty() ? "Available" : "In_use";
    s.disks[id] = d;
  };
  auto add_resource = [&](const std::string& id, const std::string& kind, const std::string& region,
                          Tags tags = {}) {
    s.resources[id] = TaggedResource{id, kind, region, std::move(tags)};
  };

  // ECS RemoveTags (seed 000 and its metadata example): a tagged snapshot in cn-shenzhen.
  add_resource("s-946ntx4wr", "snapshot", "cn-shenzhen", {{"Finance", "FinanceJoshua"}});
  add_resource("s-946ntx4****", "snapshot", "cn-shenzhen", {{"Finance", "FinanceJoshua"}});
  // ECS DetachDisk (seed 002 and metadata): a running instance with a portable data disk attached.
  add_instance("i-23jggx34b", "cn-hangzhou", "Running");
  add_disk("d-23jbf2v5m", "cn-hangzhou", "i-23jggx34b");
  add_instance("i-bp67acfmxazb4p****", "cn-hangzhou", "Running");
  add_disk("d-bp67acfmxazb4p****", "cn-hangzhou", "i-bp67acfmxazb4p****");
  // ECS DeleteInstances (seed 003 request and parameter examples, metadata): stopped pay-as-you-go
  // instances, each with a system disk and a data disk kept on release.
  for (const char* id : {"i-instance1", "i-instanceid1", "i-bp1g6zv0ce8oghu7****"}) {
    add_instance(id, "cn-hangzhou", "Stopped");
    std::string data = std::string("d-data-") + (id + 2);
    add_disk(data, "cn-hangzhou", id);
    s.disks[data].delete_with_instance = false;
  }
  // ESS RemoveInstances (seed 004 and metadata): an active group with instances it created.
  for (const char* gid : {"AG6CQdPU8OKdwLjgZcJ****", "asg-bp18p2yfxow2dloq****"}) {
    ScalingGroup g;
    g.id = gid;
    g.region = "cn-hangzhou";
    g.load_balancer_id = "lb-pc-default";
    g.db_instance_id = "rm-pc-default";
    for (const char* iid : {"i-28wt4****", "i-28wt5****"}) {
      std::string member = std::string(iid);
      if (std::string(gid).starts_with("asg-")) member = "i-asg" + member.substr(2);
      add_instance(member, "cn-hangzhou", "Running");
      g.instances.push_back({member, "AutoCreated"});
    }
    s.scaling_groups[gid] = g;
  }
  // VPC TagResources (seed 001 parameter examples): one resource of each taggable VPC kind.
  add_resource("vpc-bp16qjewdsunr41m1****", "vpc", "cn-hangzhou",
               {{"FinanceDept", "FinanceJoshua"}});
  add_resource("vsw-bp1pc0000000000000001", "vswitch", "cn-hangzhou");
  add_resource("vtb-bp1pc0000000000000001", "routetable", "cn-hangzhou");
  add_resource("eip-bp1pc0000000000000001", "eip", "cn-hangzhou");
  add_resource("vpn-bp1pc0000000000000001", "vpngateway", "cn-hangzhou");
  add_resource("ngw-bp1pc0000000000000001", "natgateway", "cn-hangzhou");
  // Further ECS taggable resources, for people trying the emulator by hand.
  add_resource("m-bp1pc0000000000000001", "image", "cn-hangzhou", {{"env", "test"}});
  add_resource("sg-bp1pc0000000000000001", "securitygroup", "cn-hangzhou");
  add_resource("s-bp1pc0000000000000001", "snapshot", "cn-hangzhou");
  return s;
}

}  // namespace popcheck::emulator
