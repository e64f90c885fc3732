// The body of every error the API answers (error-response.filter.ts), as the OpenAPI document describes it.
import { ApiProperty } from '@nestjs/swagger';

export class ErrorResponse {
  @ApiProperty({ type: 'integer', description: 'the HTTP status again', example: 404 })
  statusCode!: number;

  @ApiProperty({ description: "the status's reason phrase", example: 'Not Found' })
  error!: string;

  @ApiProperty({ description: 'what was wrong, for a person to read (one string, even for several broken rules)', example: 'Clinic 0b9f... does not exist' })
  message!: string;
}
