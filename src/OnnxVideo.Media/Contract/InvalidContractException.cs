namespace OnnxVideo.Media;

/// <summary>A preprocessing contract that cannot be used; <see cref="ContractSource"/> names where it came from.</summary>
public sealed class InvalidContractException(string source, string problem)
    : Exception($"{source}: invalid preprocessing contract: {problem}")
{
    public string ContractSource { get; } = source;
}
