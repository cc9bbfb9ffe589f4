namespace OnnxVideo.Training.Checkpoints;

/// <summary>Refusal to save weights holding NaN or infinity; <see cref="Tensor"/> names the first such tensor.</summary>
public sealed class NonFiniteWeightsException(string tensor, long index)
    : UserInputException($"tensor '{tensor}'", $"holds a non-finite value at element {index}; weights with NaN/Inf are never saved")
{
    public string Tensor { get; } = tensor;
    public long Index { get; } = index;
}
