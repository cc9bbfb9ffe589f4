using OnnxVideo.Media;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// The video side of <see cref="VideoCaption"/>: a clip in, tokens [S, D] (D the decoder width) out, which the
/// captioner LayerNorm-s into the decoder's memory. <see cref="VitCaptionEncoder"/> or <see cref="CnnCaptionEncoder"/>.
/// </summary>
internal interface ICaptionEncoder
{
    string Description { get; }
    int DefaultFrames { get; }
    int DefaultSize { get; }
    TensorLayout InputLayout { get; }

    /// <summary>Per-sample shape of the <c>video</c> input in <see cref="InputLayout"/>.</summary>
    long[] InputShape(int frames, int size);

    PreprocessingContract DefaultContract(int frames, int size);

    /// <summary>Memory tokens S per clip of <paramref name="frames"/> × <paramref name="size"/>²; throws <see cref="ArgumentException"/> when the clip does not fit the encoder.</summary>
    long MemoryTokens(int frames, int size);

    /// <summary>The tokens [S, D] of <paramref name="video"/> (one sample in <see cref="InputShape"/>).</summary>
    ZooValue EncodeTokens(ZooGraph graph, ZooValue video);
}
