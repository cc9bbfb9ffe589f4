namespace OnnxVideo.Models.Zoo;

/// <summary>A weights tensor whose shape differs from the one the architecture needs.</summary>
internal sealed record ZooShapeMismatch(string Name, long[] Expected, long[] Found)
{
    public override string ToString() => $"{Name} expected [{string.Join(", ", Expected)}] found [{string.Join(", ", Found)}]";
}
