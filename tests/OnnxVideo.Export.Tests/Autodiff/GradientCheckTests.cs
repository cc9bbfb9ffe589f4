using OnnxVideo.Autodiff;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Export.Tests.Autodiff;

public sealed class GradientCheckTests
{
    [Theory]
    [MemberData(nameof(GradientCheckTable.Cases), MemberType = typeof(GradientCheckTable))]
    public void RuleMatchesFiniteDifferences(string row) => GradientChecker.Check(GradientCheckTable.Find(row));

    [Fact]
    public void RowNamesAreUnique()
    {
        var duplicates = GradientCheckTable.Rows.GroupBy(r => r.ToString()).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.True(duplicates.Length == 0, "duplicate rows: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void EveryRegistryEntryHasARow()
    {
        var covered = GradientCheckTable.Rows.Select(r => r.Rule).ToHashSet(StringComparer.Ordinal);
        var missing = GradientRegistry.All.Keys.Where(op => !covered.Contains(op)).Order().ToArray();
        Assert.True(missing.Length == 0, "registry entries without a gradient-check row: " + string.Join(", ", missing));
        var unknown = covered.Where(op => !GradientRegistry.All.ContainsKey(op)).ToArray();
        Assert.True(unknown.Length == 0, "rows for ops that are not in the registry: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EveryDifferentiableOpHasAShapeRule()
    {
        var missing = GradientRegistry.All.Values.Where(r => r.IsDifferentiable && r.Domain.Length == 0 && ShapeRegistry.Find(r.OpType) is null)
            .Select(r => r.OpType).Order().ToArray();
        Assert.True(missing.Length == 0, "differentiable ops without a shape rule in ShapeRegistry: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryEmittedNodeIsInTheDefaultOnnxDomain()
    {
        foreach (var row in GradientCheckTable.Rows)
        {
            var built = GradientChecker.Build(row);
            Assert.NotEmpty(built.BackwardNodes);
            foreach (var node in built.BackwardNodes)
                Assert.True(node.Domain.Length == 0, $"{row}: node '{node.Name}' ({node.OpType}) is in domain '{node.Domain}'");
        }
    }
}
