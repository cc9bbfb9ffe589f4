namespace OnnxVideo.Runtime;

/// <summary>The failure of one item: a machine-readable reason and a message naming the input.</summary>
public sealed record ClassificationError(ClassificationFailure Reason, string Message)
{
    public override string ToString() => $"{Reason}: {Message}";
}
