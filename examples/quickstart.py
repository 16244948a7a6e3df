"""Build a small co-production Theory of Change in code, check it, and save it."""

import coprod_toc as ct

toc = ct.TheoryOfChange(title="Day centre")
toc.set_problem("People with learning disabilities have nowhere to meet, learn and feel valued.")
project = toc.add_impact("Create a day centre.", kind="project")
coproduction = toc.add_impact(
    "Make the day centre how people would like it to be.", kind="coproduction"
)

plan = toc.add_outcome("A detailed plan for all activities.", kind="project", leads_to=[project])
decide = toc.add_outcome(
    "Individuals make decisions on the plan.", kind="coproduction", leads_to=[coproduction, project]
)
toc.add_activity("Planning meetings.", kind="project", contributes_to=[plan])
group = toc.add_activity(
    "The co-production group takes part in all planning meetings.",
    kind="coproduction",
    contributes_to=[plan],
    ladder_rung=7,
)
toc.link(group, decide, level=4, rationale="The group makes the decisions itself.")

report = ct.validate(toc)
print("valid" if report.ok else "not valid yet")
for finding in report.findings:
    print(finding.code, finding.nodes, finding.message)

# toc.activity(), toc.outcome() and toc.impact() return the record typed as its class.
print(f"the co-production group is on rung {toc.activity(group).ladder_rung} of the ladder")

text = ct.dumps(toc)  # canonical JSON; ct.loads(text) gives the same map back
assert ct.loads(text) == toc
