using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// A captioner encoder read from a classifier by <see cref="CaptionEncoderImport"/>: a video_vit (<see cref="Vit"/>) or
/// a zoo 3-D CNN (<see cref="Cnn"/>), the classifier's clip shape and its encoder tensors (head dropped).
/// </summary>
internal sealed record CaptionEncoderSource(VideoVitConfig? Vit, VideoCnn? Cnn, int Frames, int Size, IReadOnlyList<TensorProto> Weights)
{
    /// <summary>
    /// <paramref name="config"/> with this encoder. A CNN keeps the asked projection width; an encoder of another kind
    /// than the one <paramref name="config"/> asks for is refused, naming <paramref name="path"/>.
    /// </summary>
    public VideoCaptionConfig ApplyTo(VideoCaptionConfig config, string path)
    {
        if (Vit is not null)
        {
            if (config.CnnEncoder is { } asked)
            {
                throw new InvalidInputException(path, $"is a video_vit classifier, not the {asked.Architecture} asked for as the encoder");
            }
            return config with { Encoder = Vit };
        }
        var cnn = Cnn!;
        if (config.CnnEncoder is { } requested && !string.Equals(requested.Architecture, cnn.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidInputException(path, $"is a {cnn.Name} classifier, not the {requested.Architecture} asked for as the encoder");
        }
        return config with { Encoder = null, CnnEncoder = (config.CnnEncoder ?? new CaptionCnnEncoderConfig { Width = config.Width }) with { Architecture = cnn.Name } };
    }
}
