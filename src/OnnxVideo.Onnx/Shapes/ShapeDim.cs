namespace OnnxVideo.Onnx.Shapes;

/// <summary>One dimension as far as it is known at graph-build time: a number, a symbol (e.g. "N"), or unknown.</summary>
internal readonly record struct ShapeDim(long? Value, string? Symbol)
{
    public static ShapeDim Unknown => default;

    public bool IsKnown => Value.HasValue;

    public static implicit operator ShapeDim(long value) => new(value, null);

    public static ShapeDim Of(string symbol) => new(null, symbol);

    /// <summary>True when both dims certainly have the same size (same number or same symbol).</summary>
    public bool SameAs(ShapeDim other) =>
        (Value.HasValue && other.Value == Value) || (Symbol is not null && Symbol == other.Symbol);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
