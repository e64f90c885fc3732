// POST /api/enrollments: a device enrolls itself with its code. No bearer credential: the code is one.
import { Body, Controller, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiGoneResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator.js';
import { DeviceEnrolledResponse } from './dto/enrollment.responses.js';
import { EnrollWithCodeRequest } from './dto/enroll-with-code.request.js';
import { EnrollmentsService } from './enrollments.service.js';

@ApiTags('enrollment')
@Controller('enrollments')
export class EnrollmentsController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Post()
  @Public()
  @ApiOperation({
    operationId: 'enrollWithCode',
    summary: "A device enrolls with its code and public key: its credential, certificate, the clinic's trust anchor and its peer id",
    security: [],
  })
  @ApiCreatedResponse({ type: DeviceEnrolledResponse, description: 'enrolled: the credential is shown this once' })
  @ApiBadRequestResponse({ description: 'The body failed validation, the code is not an enrollment code, or publicKey is not an ECDSA P-256 SPKI key; the code stays usable' })
  @ApiNotFoundResponse({ description: 'no such code' })
  @ApiGoneResponse({ description: 'the code was used already or has expired: the admin makes a new one' })
  @ApiConflictResponse({ description: 'the clinic has the most devices allowed; the code stays usable' })
  enroll(@Body() request: EnrollWithCodeRequest): Promise<DeviceEnrolledResponse> {
    return this.enrollments.enroll(request);
  }
}
