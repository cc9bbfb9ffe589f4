namespace OnnxVideo.Onnx.Shapes;

/// <summary>One dimension as far as it is known at graph-build time: a number, a symbol (e.g. "N"), or unknown.</summary>
internal readonly record struct ShapeDim(long? Value, string? Symbol)
{
    public static ShapeDim Unknown => default;

    public bool IsKnown => Value.HasValue;

    public static implicit operator ShapeDim(long value) => new(value, null);

    public static ShapeDim Of(string symbol) => new(null, symbol);

    /// <summary>
    /// A symbol times a number, written "N*8" (e.g. the batch and time axes merged by the 2-D lowering of a 3-D conv), so
    /// that a Reshape back to [N, 8, …] recovers N; elsewhere it is a symbol like any other.
    /// </summary>
    public static ShapeDim Scaled(string symbol, long factor) =>
        factor == 1 ? Of(symbol) : Of(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{symbol}*{factor}"));

    /// <summary>A symbolic dim as its base symbol and factor ("N*8" → (N, 8), "N" → (N, 1)).</summary>
    public (string Base, long Factor) SymbolFactor()
    {
        var symbol = Symbol ?? throw new InvalidOperationException("not a symbolic dim");
        var star = symbol.LastIndexOf('*');
        return star > 0 && long.TryParse(symbol.AsSpan(star + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var factor)
            && factor > 0
            ? (symbol[..star], factor)
            : (symbol, 1);
    }

    /// <summary>True when both dims certainly have the same size (same number or same symbol).</summary>
    public bool SameAs(ShapeDim other) =>
        (Value.HasValue && other.Value == Value) || (Symbol is not null && Symbol == other.Symbol);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
