namespace OnnxVideo.Packaging.Tuning;

/// <summary>
/// The learnable prompt tokens of a package: <paramref name="Tokens"/> per block input they are appended to
/// (<paramref name="Tensors"/>: one [1, Tokens, Width] tensor for shallow prompts, one per block for deep ones).
/// </summary>
public sealed record PromptTokens(int Tokens, bool Deep, long Width, IReadOnlyList<string> Tensors);
