namespace OnnxVideo.Autodiff;

/// <summary>A node on the path from a trainable value to the loss has no gradient rule (or cannot be differentiated as built).</summary>
internal sealed class UnsupportedGradientException : UserInputException
{
    public UnsupportedGradientException(string opType, string nodeName, string reason)
        : base($"node '{nodeName}' (op {opType})", reason, $"cannot differentiate node '{nodeName}' (op {opType}): {reason}", null)
    {
        OpType = opType;
        NodeName = nodeName;
    }

    public string OpType { get; }

    public string NodeName { get; }
}
