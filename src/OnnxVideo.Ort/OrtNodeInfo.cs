namespace OnnxVideo.Ort;

/// <summary>
/// A model input or output as ORT sees it. <see cref="Shape"/> holds -1 for dimensions not fixed by the model;
/// <see cref="SymbolicShape"/> holds their names ("" where the model gives none or the dimension is fixed).
/// </summary>
public sealed record OrtNodeInfo(
    string Name,
    OnnxValueType ValueType,
    TensorElementType ElementType,
    IReadOnlyList<long> Shape,
    IReadOnlyList<string> SymbolicShape)
{
    /// <summary>Shape as text, symbolic dimensions by name, unnamed free ones as "?": e.g. [N, 3, 8, 112, 112].</summary>
    public string ShapeText =>
        "[" + string.Join(", ", Shape.Select((dim, i) => dim >= 0 ? dim.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : SymbolicShape.Count > i && SymbolicShape[i].Length > 0 ? SymbolicShape[i] : "?")) + "]";

    public override string ToString() =>
        ValueType == OnnxValueType.Tensor ? $"{Name}: {TensorElementTypes.Name(ElementType)}{ShapeText}" : $"{Name}: {ValueType}";
}
