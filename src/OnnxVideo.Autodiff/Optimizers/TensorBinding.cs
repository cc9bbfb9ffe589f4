namespace OnnxVideo.Autodiff.Optimizers;

/// <summary>
/// A graph input whose next value is the graph output <paramref name="Output"/>: after a step, bind the output as
/// the input of the next step.
/// </summary>
internal sealed record TensorBinding(string Input, string Output, IReadOnlyList<long> Shape);
