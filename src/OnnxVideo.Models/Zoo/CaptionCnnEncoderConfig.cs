namespace OnnxVideo.Models.Zoo;

/// <summary>
/// A captioner encoder that is a zoo 3-D CNN (<see cref="VideoCnn"/>: tiny3d, r3d_18, mc3_18, r2plus1d_18) up to its
/// last feature map, whose channels are projected to <see cref="Width"/>, the decoder's width.
/// </summary>
internal sealed record CaptionCnnEncoderConfig
{
    /// <summary>The zoo name of the CNN; its parameters keep the classifier's names, so its weights load unchanged.</summary>
    public string Architecture { get; init; } = Tiny3d.Instance.Name;
    /// <summary>Width of the projected tokens and of the decoder.</summary>
    public int Width { get; init; } = 96;

    /// <summary>The CNN; throws <see cref="ArgumentException"/> when <see cref="Architecture"/> is not a zoo 3-D CNN.</summary>
    public VideoCnn Resolve()
    {
        var cnn = ModelZoo.Architectures.OfType<VideoCnn>().FirstOrDefault(a => string.Equals(a.Name, Architecture, StringComparison.OrdinalIgnoreCase));
        return cnn ?? throw new ArgumentException(
            $"video_caption: encoder architecture '{Architecture}' is not a zoo 3-D CNN (one of {string.Join(", ", ModelZoo.Architectures.OfType<VideoCnn>().Select(a => a.Name))})");
    }
}
