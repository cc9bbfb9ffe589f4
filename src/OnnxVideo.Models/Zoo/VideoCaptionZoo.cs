using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>Builds <c>video_caption</c> models, random-initialised or with the encoder of a video_vit classifier.</summary>
internal static class VideoCaptionZoo
{
    /// <summary>
    /// With <paramref name="encoderPath"/> the encoder shape, clip shape and encoder weights come from that classifier
    /// (frames and size must then be left unset or equal); the decoder is random-initialised from <paramref name="seed"/>.
    /// </summary>
    public static BuiltCaptionModel Build(VideoCaptionConfig config, int? frames, int? size, int seed, string? encoderPath = null)
    {
        IZooParameterSource parameters = new RandomParameterSource(seed);
        if (encoderPath is not null)
        {
            var (encoder, t, s, weights) = CaptionEncoderImport.Read(encoderPath);
            if ((frames is { } f && f != t) || (size is { } z && z != s))
            {
                throw new InvalidInputException(encoderPath, $"the encoder takes {t} frames of {s}²; --frames/--size ask for {frames ?? t} of {size ?? s}²");
            }
            config = config with { Encoder = encoder };
            parameters = new InitializerParameterSource(weights, encoderPath, parameters);
        }
        var architecture = new VideoCaption(config);
        var clipFrames = frames ?? config.Encoder.DefaultFrames;
        var clipSize = size ?? config.Encoder.DefaultSize;
        config.Encoder.CheckInput(clipFrames, clipSize);
        var model = architecture.BuildTraining(parameters, clipFrames, clipSize, out var graph);
        return new BuiltCaptionModel(model, architecture, clipFrames, clipSize, graph.ParameterCount, graph.MultiplyAccumulates);
    }
}
