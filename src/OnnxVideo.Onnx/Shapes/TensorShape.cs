namespace OnnxVideo.Onnx.Shapes;

/// <summary>A tensor shape of known rank whose dims may be numbers, symbols or unknown.</summary>
internal sealed class TensorShape
{
    public TensorShape(IReadOnlyList<ShapeDim> dims) => Dims = dims;

    public TensorShape(params long[] dims) => Dims = dims.Select(d => (ShapeDim)d).ToArray();

    public IReadOnlyList<ShapeDim> Dims { get; }

    public int Rank => Dims.Count;

    public ShapeDim this[int axis] => Dims[axis];

    public bool IsFullyKnown => Dims.All(d => d.IsKnown);

    public long[] ToArray() => Dims.Select(d => d.Value ?? throw new InvalidOperationException($"shape {this} is not fully known")).ToArray();

    public long? ElementCount => IsFullyKnown ? Dims.Aggregate(1L, (p, d) => p * d.Value!.Value) : null;

    public bool SameAs(TensorShape other) => Rank == other.Rank && Dims.Zip(other.Dims).All(p => p.First.SameAs(p.Second));

    public override string ToString() => "[" + string.Join(",", Dims) + "]";
}
