namespace OnnxVideo.Media;

/// <summary>A preprocessing contract that cannot be used; <see cref="ContractSource"/> names where it came from.</summary>
public sealed class InvalidContractException(string source, string problem)
    : UserInputException(source, problem, $"{source}: invalid preprocessing contract: {problem}", null)
{
    public string ContractSource { get; } = source;
}
