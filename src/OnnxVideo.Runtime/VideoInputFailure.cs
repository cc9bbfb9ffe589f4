using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>Maps a Media decode failure onto the runtime's failure reasons.</summary>
internal static class VideoInputFailure
{
    public static ClassificationFailure Reason(VideoInputError error) => error switch
    {
        VideoInputError.NotFound or VideoInputError.UndecodableName => ClassificationFailure.NotFound,
        VideoInputError.TooShort => ClassificationFailure.TooShort,
        VideoInputError.Timeout => ClassificationFailure.DeadlineExceeded,
        _ => ClassificationFailure.Unreadable,
    };
}
