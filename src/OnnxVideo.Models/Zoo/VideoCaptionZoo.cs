namespace OnnxVideo.Models.Zoo;

/// <summary>Builds <c>video_caption</c> models, random-initialised or with the encoder of a classifier or of a CNN's weights file.</summary>
internal static class VideoCaptionZoo
{
    /// <summary>
    /// With <paramref name="encoderPath"/> the encoder kind, clip shape and encoder weights come from that classifier (a
    /// video_vit's clip must then be left unset or equal; a CNN's convolutions take any clip they fit). With
    /// <paramref name="weightsPath"/> (a CNN encoder only) the encoder weights come from a safetensors or PyTorch file
    /// with the CNN's parameter names (its <c>fc</c> head is ignored). The decoder is random-initialised from <paramref name="seed"/>.
    /// </summary>
    public static BuiltCaptionModel Build(VideoCaptionConfig config, int? frames, int? size, int seed, string? encoderPath = null, string? weightsPath = null)
    {
        if (encoderPath is not null && weightsPath is not null)
        {
            throw new ArgumentException("video_caption: give the encoder as a classifier (--encoder) or as weights (--weights), not both");
        }
        IZooParameterSource parameters = new RandomParameterSource(seed);
        if (encoderPath is not null)
        {
            var source = CaptionEncoderImport.Read(encoderPath);
            if (source.Vit is not null && ((frames is { } f && f != source.Frames) || (size is { } z && z != source.Size)))
            {
                throw new InvalidInputException(encoderPath, $"the encoder takes {source.Frames} frames of {source.Size}²; --frames/--size ask for {frames ?? source.Frames} of {size ?? source.Size}²");
            }
            config = source.ApplyTo(config, encoderPath);
            (frames, size) = (frames ?? source.Frames, size ?? source.Size);
            parameters = new InitializerParameterSource(source.Weights, encoderPath, parameters);
        }
        var architecture = new VideoCaption(config);
        var clipFrames = frames ?? architecture.Encoder.DefaultFrames;
        var clipSize = size ?? architecture.Encoder.DefaultSize;
        architecture.MemoryTokens(clipFrames, clipSize);
        if (weightsPath is null)
        {
            return Built(architecture, parameters, clipFrames, clipSize);
        }
        if (architecture.Encoder is not CnnCaptionEncoder cnn)
        {
            throw new InvalidInputException(weightsPath, "weights for video_caption are a 3-D CNN encoder's (--encoder-arch); take a video_vit encoder from a classifier with --encoder");
        }
        using var file = EncoderWeights(architecture, cnn.Cnn, weightsPath, clipFrames, clipSize, parameters);
        var built = Built(architecture, file, clipFrames, clipSize);
        file.ThrowIfMismatched(cnn.Cnn.Name);
        return built;
    }

    /// <summary>The CNN's parameters and buffers from the file, every other parameter (the decoder's) from <paramref name="decoder"/>.</summary>
    private static WeightsFileParameterSource EncoderWeights(VideoCaption architecture, VideoCnn cnn, string path, int frames, int size, IZooParameterSource decoder)
    {
        architecture.BuildTraining(null, frames, size, out var measure);
        var encoder = cnn.MeasureFeatureMap(frames, size).Declared.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var others = measure.Declared.Select(p => p.Name).Where(n => !encoder.Contains(n)).ToHashSet(StringComparer.Ordinal);
        var head = cnn.HeadParameters.ToHashSet(StringComparer.Ordinal);
        return new WeightsFileParameterSource(path, others, decoder)
        {
            IgnorableUnused = n => head.Contains(n) || n.EndsWith(".num_batches_tracked", StringComparison.Ordinal),
        };
    }

    private static BuiltCaptionModel Built(VideoCaption architecture, IZooParameterSource parameters, int frames, int size)
    {
        var model = architecture.BuildTraining(parameters, frames, size, out var graph);
        return new BuiltCaptionModel(model, architecture, frames, size, graph.ParameterCount, graph.MultiplyAccumulates);
    }
}
