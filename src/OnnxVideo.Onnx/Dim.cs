namespace OnnxVideo.Onnx;

/// <summary>One tensor dimension: a fixed size or a symbolic name such as "N".</summary>
internal readonly record struct Dim(long Value, string? Param)
{
    public bool IsSymbolic => Param is not null;

    public static implicit operator Dim(long value) => new(value, null);

    public static implicit operator Dim(int value) => new(value, null);

    public static implicit operator Dim(string param) => new(0, param);

    public override string ToString() => Param ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
