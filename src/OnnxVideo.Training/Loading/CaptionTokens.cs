namespace OnnxVideo.Training.Loading;

/// <summary>The special token ids of a caption model and the longest caption (in tokens, without BOS/EOS) it takes.</summary>
internal sealed record CaptionTokens(int Pad, int Bos, int Eos, int MaxLength);
