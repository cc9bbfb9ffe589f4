namespace OnnxVideo.Models.Zoo;

/// <summary>How a parameter is initialised when no weights file is given.</summary>
internal enum ParameterInitKind
{
    /// <summary>Normal(0, sqrt(2 / fan_out)), fan_out = shape[0] × receptive field (torchvision's choice for convolutions).</summary>
    KaimingNormalFanOut,
    /// <summary>Normal(0, std).</summary>
    Normal,
    /// <summary>Truncated normal(0, std) cut at ±2 std (transformer weights).</summary>
    TruncatedNormal,
    Zeros,
    Ones,
}

/// <summary>
/// A parameter's initialisation; <see cref="IsBuffer"/> marks non-trainable state such as BatchNorm running
/// statistics, which is not counted as a parameter.
/// </summary>
internal readonly record struct ParameterInit(ParameterInitKind Kind, double Std = 0, bool IsBuffer = false)
{
    public static ParameterInit KaimingNormalFanOut => new(ParameterInitKind.KaimingNormalFanOut);
    public static ParameterInit Zeros => new(ParameterInitKind.Zeros);
    public static ParameterInit Ones => new(ParameterInitKind.Ones);
    public static ParameterInit Normal(double std) => new(ParameterInitKind.Normal, std);
    public static ParameterInit TruncatedNormal(double std) => new(ParameterInitKind.TruncatedNormal, std);
    public static ParameterInit ZerosBuffer => new(ParameterInitKind.Zeros, IsBuffer: true);
    public static ParameterInit OnesBuffer => new(ParameterInitKind.Ones, IsBuffer: true);
}
